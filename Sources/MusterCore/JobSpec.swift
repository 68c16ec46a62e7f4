/// What a user asked for: resources, limits and ownership of one job. Immutable once submitted.
public struct JobSpec: Sendable, Hashable, Codable {
    /// Human-readable job name.
    public var name: String
    /// Total GPUs of the gang (0 for a CPU-only job).
    public var gpus: Int
    /// Number of nodes, if the user fixed it; otherwise derived from `gpus` and the node size.
    public var nodes: Int?
    /// GPUs on each node, if the user fixed it.
    public var gpusPerNode: Int?
    /// CPU cores per node (0: don't care).
    public var cpusPerNode: Int
    /// Memory per node in MiB (0: don't care).
    public var memoryMiBPerNode: Int
    /// Wall-clock limit in seconds; the job is stopped when it is reached. Backfill trusts it.
    public var timeLimit: Seconds
    /// The team that owns the job (and, later, whose quota it uses).
    public var team: String
    /// Priority band.
    public var priority: PriorityClass
    /// When the job was submitted.
    public var submitTime: Seconds
    /// The GPU model it must run on (a name of the cluster's models, any case); nil: any model.
    public var gpuModel: String?

    public init(
        name: String = "job", gpus: Int, nodes: Int? = nil, gpusPerNode: Int? = nil, cpusPerNode: Int = 0,
        memoryMiBPerNode: Int = 0, timeLimit: Seconds, team: String = "default", priority: PriorityClass = .normal,
        submitTime: Seconds = 0, gpuModel: String? = nil
    ) {
        self.name = name
        self.gpus = gpus
        self.nodes = nodes
        self.gpusPerNode = gpusPerNode
        self.cpusPerNode = cpusPerNode
        self.memoryMiBPerNode = memoryMiBPerNode
        self.timeLimit = timeLimit
        self.team = team
        self.priority = priority
        self.submitTime = submitTime
        self.gpuModel = gpuModel
    }

    /// The documented range of every field; requests outside it are refused before anything is computed, so
    /// no arithmetic on a spec can overflow.
    public enum Limits {
        /// GPUs of one gang: 0 to 2^21 (two million: a Colossus-scale job with room to grow).
        public static let maxGPUs = 1 << 21
        /// Nodes of one gang: 1 to 2^18.
        public static let maxNodes = 1 << 18
        /// GPUs per node: 0 to 64 (the widest node the cluster model holds).
        public static let maxGPUsPerNode = 64
        /// CPU cores per node: 0 to 2^20.
        public static let maxCPUsPerNode = 1 << 20
        /// Memory per node: 0 to 2^31 MiB (2 PiB).
        public static let maxMemoryMiBPerNode = Int(Int32.max)
        /// Time limit: 1 s to one year.
        public static let maxTimeLimit: Seconds = 365 * 24 * 3600
        /// Names and teams: 1 to 128 characters.
        public static let maxNameLength = 128
    }

    /// Checks the spec on its own (no cluster needed); the message names the field.
    public func validate() throws(JobSpecError) {
        if gpus < 0 || gpus > Limits.maxGPUs {
            throw .invalid(field: "gpus", "must be 0 to \(Limits.maxGPUs), got \(gpus)")
        }
        if let nodes, nodes < 1 || nodes > Limits.maxNodes {
            throw .invalid(field: "nodes", "must be 1 to \(Limits.maxNodes), got \(nodes)")
        }
        if let gpusPerNode, gpusPerNode < 0 || gpusPerNode > Limits.maxGPUsPerNode {
            throw .invalid(field: "gpus_per_node", "must be 0 to \(Limits.maxGPUsPerNode), got \(gpusPerNode)")
        }
        if let gpusPerNode, gpusPerNode > 0, gpus % gpusPerNode != 0 {
            throw .invalid(field: "gpus_per_node", "\(gpus) GPUs do not divide into nodes of \(gpusPerNode)")
        }
        if let nodes, let gpusPerNode, nodes * gpusPerNode != gpus {
            throw .invalid(
                field: "nodes", "\(nodes) nodes x \(gpusPerNode) GPUs per node is not the \(gpus) GPUs asked for")
        }
        if let nodes, gpusPerNode == nil, gpus % nodes != 0 {
            throw .invalid(field: "nodes", "\(gpus) GPUs do not divide evenly over \(nodes) nodes")
        }
        if cpusPerNode < 0 || cpusPerNode > Limits.maxCPUsPerNode {
            throw .invalid(field: "cpus_per_node", "must be 0 to \(Limits.maxCPUsPerNode), got \(cpusPerNode)")
        }
        if memoryMiBPerNode < 0 || memoryMiBPerNode > Limits.maxMemoryMiBPerNode {
            throw .invalid(
                field: "memory_mib_per_node", "must be 0 to \(Limits.maxMemoryMiBPerNode), got \(memoryMiBPerNode)")
        }
        if timeLimit <= 0 { throw .invalid(field: "time_limit", "must be positive, got \(timeLimit) s") }
        if timeLimit > Limits.maxTimeLimit {
            throw .invalid(
                field: "time_limit", "must be at most one year (\(Limits.maxTimeLimit) s), got \(timeLimit) s")
        }
        if team.isEmpty || team.count > Limits.maxNameLength {
            throw .invalid(field: "team", "must be 1 to \(Limits.maxNameLength) characters")
        }
        if let gpuModel, gpuModel.isEmpty || gpuModel.count > Limits.maxNameLength {
            throw .invalid(field: "gpu_model", "must be 1 to \(Limits.maxNameLength) characters")
        }
    }

    /// The gang shape on a cluster whose largest node holds `maxGPUsPerNode` GPUs: `nodes` nodes with
    /// `gpusPerNode` GPUs each. Without an explicit split, a job that fits one node takes one node, and a larger
    /// one takes the fewest nodes that divide its GPUs evenly.
    public func shape(maxGPUsPerNode: Int) throws(JobSpecError) -> GangShape {
        try validate()
        if let nodes {
            return GangShape(nodes: nodes, gpusPerNode: gpus / nodes)
        }
        if let gpusPerNode, gpusPerNode > 0 {
            return GangShape(nodes: max(1, gpus / gpusPerNode), gpusPerNode: gpusPerNode)
        }
        let maxGPUsPerNode = max(1, maxGPUsPerNode)
        if gpus <= maxGPUsPerNode { return GangShape(nodes: 1, gpusPerNode: gpus) }
        var n = (gpus + maxGPUsPerNode - 1) / maxGPUsPerNode
        // At most `gpus` steps (n = gpus always divides); `validate` bounds `gpus`.
        while gpus % n != 0 { n += 1 }
        return GangShape(nodes: n, gpusPerNode: gpus / n)
    }
}

/// How a gang is laid out: `nodes` nodes, each giving `gpusPerNode` GPUs. All-or-nothing.
public struct GangShape: Sendable, Hashable, Codable, CustomStringConvertible {
    public var nodes: Int
    public var gpusPerNode: Int

    public init(nodes: Int, gpusPerNode: Int) {
        self.nodes = nodes
        self.gpusPerNode = gpusPerNode
    }

    /// Total GPUs of the gang.
    public var gpus: Int { nodes * gpusPerNode }

    public var description: String { "\(nodes)x\(gpusPerNode)" }
}

/// Why a `JobSpec` was refused; `field` names the offending field as it appears on the wire.
public enum JobSpecError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalid(field: String, String)
    case neverFits(String)

    public var field: String? {
        if case .invalid(let field, _) = self { return field }
        return nil
    }

    /// What is wrong, without the field name.
    public var message: String {
        switch self {
        case .invalid(_, let message), .neverFits(let message): message
        }
    }

    public var description: String {
        switch self {
        case .invalid(let field, let message): "\(field): \(message)"
        case .neverFits(let message): message
        }
    }
}
