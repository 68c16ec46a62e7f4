/// `POST /v1/services`: a replicated model server (`muster serve`). Every field's range is in the OpenAPI
/// document; the replica is a job request (its GPUs, nodes, command, class, team) without arrays, dependencies
/// or restart settings, which a service manages itself.
public struct ServiceRequest: Codable, Sendable, Hashable {
    /// 1 to 63 of a-z, 0-9 and `-`, starting with a letter; the service's URL is `/s/NAME/`.
    public var name: String
    /// One replica: a gang of `gpus` (and `nodes`, `gpus_per_node`), run as the request's command.
    public var replica: SubmitRequest
    /// A fixed count (0 to 1000); or `min_replicas`/`max_replicas` to autoscale between them.
    public var replicas: Int?
    public var minReplicas: Int?
    public var maxReplicas: Int?
    /// In-flight requests each replica is sized for (autoscaling), 0.1 to 10000.
    public var targetInflight: Double?
    /// Requests one replica serves at once (1 to 10000, default 16), and requests held beyond that before 503
    /// (0 to 100000, default 256).
    public var maxInflight: Int?
    public var maxQueue: Int?
    /// Paths probed on each replica (default `/readyz`, `/healthz`).
    public var readyPath: String?
    public var healthPath: String?
    /// Seconds a replica has to become ready (1 to 86400, default 600).
    public var startupDeadline: Double?

    public init(
        name: String, replica: SubmitRequest, replicas: Int? = nil, minReplicas: Int? = nil, maxReplicas: Int? = nil,
        targetInflight: Double? = nil, maxInflight: Int? = nil, maxQueue: Int? = nil, readyPath: String? = nil,
        healthPath: String? = nil, startupDeadline: Double? = nil
    ) {
        self.name = name
        self.replica = replica
        self.replicas = replicas
        self.minReplicas = minReplicas
        self.maxReplicas = maxReplicas
        self.targetInflight = targetInflight
        self.maxInflight = maxInflight
        self.maxQueue = maxQueue
        self.readyPath = readyPath
        self.healthPath = healthPath
        self.startupDeadline = startupDeadline
    }

    enum CodingKeys: String, CodingKey {
        case name, replica, replicas
        case minReplicas = "min_replicas"
        case maxReplicas = "max_replicas"
        case targetInflight = "target_inflight"
        case maxInflight = "max_inflight"
        case maxQueue = "max_queue"
        case readyPath = "ready_path"
        case healthPath = "health_path"
        case startupDeadline = "startup_deadline"
    }
}

extension ServiceRequest: WireFields {
    public static var wireFields: [String: (any WireFields.Type)?] {
        var fields: [String: (any WireFields.Type)?] = Dictionary(
            uniqueKeysWithValues: CodingKeys.allCases.map { ($0.rawValue, nil) })
        fields["replica"] = SubmitRequest.self
        return fields
    }
}

extension ServiceRequest.CodingKeys: CaseIterable {}

/// `POST /v1/services/{name}/scale`.
public struct ScaleRequest: Codable, Sendable, Hashable, WireFields {
    /// 0 to 1000 replicas.
    public var replicas: Int

    public init(replicas: Int) { self.replicas = replicas }

    public static var wireFields: [String: (any WireFields.Type)?] { ["replicas": nil] }
}

/// `POST /v1/services/{name}/rollout`: the new replica (command, environment, shape, class); the service's other
/// settings stay.
public struct RolloutRequest: Codable, Sendable, Hashable {
    public var replica: SubmitRequest

    public init(replica: SubmitRequest) { self.replica = replica }
}

extension RolloutRequest: WireFields {
    public static var wireFields: [String: (any WireFields.Type)?] { ["replica": SubmitRequest.self] }
}
