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

/// One line of a service's history (`muster service show`).
public struct ServiceEvent: Sendable, Hashable, Codable {
    public var time: Double
    public var text: String
}

/// A replica's place in its service (on the replica's job).
public struct ReplicaRef: Sendable, Hashable, Codable {
    public var service: String
    public var index: Int

    public init(service: String, index: Int) {
        self.service = service
        self.index = index
    }
}
