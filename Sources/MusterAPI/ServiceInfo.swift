/// A service as the API shows it (`GET /v1/services/{name}`, `muster service show`).
public struct ServiceInfo: Codable, Sendable, Hashable {
    public var name: String
    public var owner: String
    /// `running` or `stopped`.
    public var state: String
    /// Where clients send requests: `/s/NAME/...` on the controller.
    public var url: String
    /// Replicas wanted, and ready now.
    public var desired: Int
    public var ready: Int
    public var minReplicas: Int
    public var maxReplicas: Int
    public var targetInflight: Double
    public var maxInflight: Int
    /// Requests the router holds beyond every replica's cap before it answers 503.
    public var maxQueue: Int
    /// Requests in flight through the router and waiting in its queue now.
    public var inflight: Int
    public var queued: Int
    public var gpusPerReplica: Int
    public var className: String
    public var team: String
    public var replicas: [ReplicaInfo]
    /// Its history, oldest first (the last 50 events).
    public var events: [ServiceEventInfo]
    /// Requests its replicas answered through the router in the last minute, and their median and 99th
    /// percentile latency in milliseconds, queueing included; absent when none.
    public var requestsLastMinute: Int?
    public var latencyP50Ms: Double?
    public var latencyP99Ms: Double?

    public init(
        name: String, owner: String, state: String, url: String, desired: Int, ready: Int, minReplicas: Int,
        maxReplicas: Int, targetInflight: Double, maxInflight: Int, maxQueue: Int, inflight: Int, queued: Int,
        gpusPerReplica: Int,
        className: String, team: String, replicas: [ReplicaInfo], events: [ServiceEventInfo]
    ) {
        self.name = name
        self.owner = owner
        self.state = state
        self.url = url
        self.desired = desired
        self.ready = ready
        self.minReplicas = minReplicas
        self.maxReplicas = maxReplicas
        self.targetInflight = targetInflight
        self.maxInflight = maxInflight
        self.maxQueue = maxQueue
        self.inflight = inflight
        self.queued = queued
        self.gpusPerReplica = gpusPerReplica
        self.className = className
        self.team = team
        self.replicas = replicas
        self.events = events
    }

    enum CodingKeys: String, CodingKey {
        case name, owner, state, url, desired, ready
        case minReplicas = "min_replicas"
        case maxReplicas = "max_replicas"
        case targetInflight = "target_inflight"
        case maxInflight = "max_inflight"
        case maxQueue = "max_queue"
        case inflight, queued
        case gpusPerReplica = "gpus_per_replica"
        case className = "class"
        case team, replicas, events
        case requestsLastMinute = "requests_last_minute"
        case latencyP50Ms = "latency_p50_ms"
        case latencyP99Ms = "latency_p99_ms"
    }
}

/// One replica of a service.
public struct ReplicaInfo: Codable, Sendable, Hashable {
    public var index: Int
    /// The job that is this replica now (`muster show JOB`).
    public var job: Int64
    /// The job's state (`pending`, `running`, ...).
    public var state: String
    public var ready: Bool
    /// Rank 0's node and the port it listens on, once running.
    public var node: String?
    public var port: Int?
    public var inflight: Int

    public init(
        index: Int, job: Int64, state: String, ready: Bool, node: String?, port: Int?, inflight: Int
    ) {
        self.index = index
        self.job = job
        self.state = state
        self.ready = ready
        self.node = node
        self.port = port
        self.inflight = inflight
    }
}

/// One line of a service's history.
public struct ServiceEventInfo: Codable, Sendable, Hashable {
    /// Seconds since the Unix epoch.
    public var time: Double
    public var text: String

    public init(time: Double, text: String) {
        self.time = time
        self.text = text
    }
}

/// `GET /v1/services`.
public struct ServiceList: Codable, Sendable, Hashable {
    public var services: [ServiceInfo]

    public init(services: [ServiceInfo]) { self.services = services }
}
