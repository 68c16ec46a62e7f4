/// A service as the lifecycle keeps it: its spec, owner, the replica count it wants and the job that is each
/// replica now.
public struct Service: Sendable, Hashable, Codable {
    public var spec: ServiceSpec
    public var owner: String
    public var createdAt: Double
    /// Replicas wanted now (the autoscaler's or `muster scale`'s).
    public var desired: Int
    /// Replica index → the job that is that replica now.
    public var replicas: [Int: JobID]
    /// Replicas the prober found ready (their jobs).
    public var ready: Set<JobID> = []
    /// Replacements made after a replica ended, by index since it was last ready (backoff of a crash loop).
    public var failures: [Int: Int] = [:]
    /// Stopped services keep their record (and history) but want no replicas.
    public var stopped = false
    /// The spec's version: 1, then one more per rollout (and per rollback).
    public var version = 1
    /// A rollout under way, if any.
    public var rollout: Rollout?
    /// Jobs of replicas replaced by a rollout or beyond a scale-down, still serving their last requests: the
    /// gateway routes nothing new to them and retires them once idle.
    public var draining: Set<JobID> = []
    /// What happened, newest last (at most `maxEvents`).
    public var events: [ServiceEvent] = []

    public static let maxEvents = 50

    public init(spec: ServiceSpec, owner: String, createdAt: Double, desired: Int) {
        self.spec = spec
        self.owner = owner
        self.createdAt = createdAt
        self.desired = desired
        replicas = [:]
    }

    /// Adds a line to the history, dropping the oldest beyond `maxEvents`.
    public mutating func note(_ text: String, at time: Double) {
        events.append(ServiceEvent(time: time, text: text))
        if events.count > Self.maxEvents { events.removeFirst(events.count - Self.maxEvents) }
    }
}

/// A rolling update (`muster rollout`): replicas are replaced one at a time, in index order, each by a new job of
/// the new spec that must become ready before the old one is retired (surge 1, unavailable 0).
public struct Rollout: Sendable, Hashable, Codable {
    /// The spec rolled away from (a failed rollout rolls back to it).
    public var previous: ServiceSpec
    /// The next replica index to replace, and the new job being readied for it.
    public var index: Int
    public var surge: JobID?
    /// Set when this rollout is itself a rollback (it is not rolled back again).
    public var rollback: Bool

    public init(previous: ServiceSpec, index: Int = 0, surge: JobID? = nil, rollback: Bool = false) {
        self.previous = previous
        self.index = index
        self.surge = surge
        self.rollback = rollback
    }
}

/// One line of a service's history (`muster service show`).
public struct ServiceEvent: Sendable, Hashable, Codable {
    public var time: Double
    public var text: String
}

/// A replica's place in its service (on the replica's job).
public struct ReplicaRef: Sendable, Hashable, Codable {
    public var service: String
    public var index: Int
    /// The service spec's version it runs.
    public var version: Int

    public init(service: String, index: Int, version: Int = 1) {
        self.service = service
        self.index = index
        self.version = version
    }

    enum CodingKeys: String, CodingKey { case service, index, version }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        service = try c.decode(String.self, forKey: .service)
        index = try c.decode(Int.self, forKey: .index)
        version = try c.decodeIfPresent(Int.self, forKey: .version) ?? 1
    }
}
