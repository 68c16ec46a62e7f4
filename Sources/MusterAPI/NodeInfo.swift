/// One node as the API shows it (`GET /v1/nodes`).
public struct NodeInfo: Codable, Sendable, Hashable {
    public var name: String
    /// `up` or `down`.
    public var state: String
    public var address: String
    public var gpus: Int
    public var freeGPUs: Int
    public var gpuModel: String
    public var cpus: Int
    public var memoryMib: Int
    public var leaf: String
    public var spine: String
    /// Seconds since the Unix epoch.
    public var lastHeartbeat: Double
    public var runningJobs: [Int64]
    /// Why an admin drained it; its `state` is then `drained`.
    public var drainReason: String?
    /// A hot spare: held back for gangs a failure interrupts (its GPUs are not free to ordinary jobs).
    public var spare: Bool

    public init(
        name: String, state: String, address: String, gpus: Int, freeGPUs: Int, gpuModel: String, cpus: Int,
        memoryMib: Int, leaf: String, spine: String, lastHeartbeat: Double, runningJobs: [Int64],
        drainReason: String? = nil, spare: Bool = false
    ) {
        self.name = name
        self.state = state
        self.address = address
        self.gpus = gpus
        self.freeGPUs = freeGPUs
        self.gpuModel = gpuModel
        self.cpus = cpus
        self.memoryMib = memoryMib
        self.leaf = leaf
        self.spine = spine
        self.lastHeartbeat = lastHeartbeat
        self.runningJobs = runningJobs
        self.drainReason = drainReason
        self.spare = spare
    }

    enum CodingKeys: String, CodingKey {
        case name, state, address, gpus
        case freeGPUs = "free_gpus"
        case gpuModel = "gpu_model"
        case cpus
        case memoryMib = "memory_mib"
        case leaf, spine
        case lastHeartbeat = "last_heartbeat"
        case runningJobs = "running_jobs"
        case drainReason = "drain_reason"
        case spare
    }
}

/// `GET /v1/nodes`.
public struct NodeList: Codable, Sendable, Hashable {
    public var nodes: [NodeInfo]
    /// When more nodes pass the filters beyond `limit`: pass it as `after` for the next page.
    public var nextAfter: String?
    /// How many nodes of the whole cluster are in each state (`up`, `drained`, `down`, `returning`), whatever
    /// the filters and the page.
    public var counts: [String: Int]?

    public init(nodes: [NodeInfo], nextAfter: String? = nil, counts: [String: Int]? = nil) {
        self.nodes = nodes
        self.nextAfter = nextAfter
        self.counts = counts
    }

    enum CodingKeys: String, CodingKey {
        case nodes
        case nextAfter = "next_after"
        case counts
    }
}
