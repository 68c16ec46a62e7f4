/// What `muster serve` asks for: a named, replicated model server. Each replica is a gang of `replica`'s shape,
/// started as a job of the service's class, restarted whole (a new job for the same replica index) whenever it
/// ends while the service still wants it.
public struct ServiceSpec: Sendable, Hashable, Codable {
    /// 1 to 63 characters: lowercase letters, digits and `-`, starting with a letter (it appears in URLs:
    /// `/s/NAME/...`).
    public var name: String
    /// One replica's gang (GPUs, nodes, GPUs per node), class (`priority`), team and time limit.
    public var replica: JobSpec
    public var tasksPerNode: Int
    /// The replica's command; nil in the simulator.
    public var launch: JobLaunch?
    public var autoscale: AutoscalePolicy
    /// Requests one replica serves at once (the router's cap), and requests the router holds beyond every
    /// replica's cap before it answers 503.
    public var maxInflight: Int
    public var maxQueue: Int
    /// Paths probed on each replica: ready to take traffic, and alive.
    public var readyPath: String
    public var healthPath: String
    /// Seconds a replica has to become ready after it starts.
    public var startupDeadline: Double

    public init(
        name: String, replica: JobSpec, tasksPerNode: Int = 1, launch: JobLaunch? = nil,
        autoscale: AutoscalePolicy = .fixed(1), maxInflight: Int = 16, maxQueue: Int = 256,
        readyPath: String = "/readyz", healthPath: String = "/healthz", startupDeadline: Double = 600
    ) {
        self.name = name
        self.replica = replica
        self.tasksPerNode = tasksPerNode
        self.launch = launch
        self.autoscale = autoscale
        self.maxInflight = maxInflight
        self.maxQueue = maxQueue
        self.readyPath = readyPath
        self.healthPath = healthPath
        self.startupDeadline = startupDeadline
    }

    /// Limits of the fields the edge checks.
    public static let maxInflightLimit = 10_000
    public static let maxQueueLimit = 100_000

    /// Checks every field's range; the replica's own fields are checked as a job's at submit.
    public func validate() throws(LifecycleError) {
        guard Self.validName(name) else {
            throw .invalid(
                field: "name", "1 to 63 of a-z, 0-9 and -, starting with a letter (it is part of URLs), got \"\(name)\""
            )
        }
        guard autoscale.minReplicas <= autoscale.maxReplicas, autoscale.maxReplicas >= 1 || autoscale.isFixed
        else {
            throw .invalid(field: "replicas", "min must not exceed max, and max must be at least 1")
        }
        guard (1...Self.maxInflightLimit).contains(maxInflight) else {
            throw .invalid(field: "max_inflight", "must be 1 to \(Self.maxInflightLimit), got \(maxInflight)")
        }
        guard (0...Self.maxQueueLimit).contains(maxQueue) else {
            throw .invalid(field: "max_queue", "must be 0 to \(Self.maxQueueLimit), got \(maxQueue)")
        }
        for (field, path) in [("ready_path", readyPath), ("health_path", healthPath)] {
            guard path.hasPrefix("/"), path.utf8.count <= 256, path.allSatisfy({ $0.isASCII && !$0.isWhitespace })
            else { throw .invalid(field: field, "an absolute URL path of up to 256 characters, got \"\(path)\"") }
        }
        guard startupDeadline.isFinite, (1...86_400).contains(startupDeadline) else {
            throw .invalid(field: "startup_deadline", "must be 1 to 86400 seconds")
        }
    }

    static func validName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, ("a"..."z").contains(first), name.utf8.count <= 63 else {
            return false
        }
        return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }
}
