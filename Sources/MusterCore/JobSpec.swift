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

    public init(
        name: String = "job", gpus: Int, nodes: Int? = nil, gpusPerNode: Int? = nil, cpusPerNode: Int = 0,
        memoryMiBPerNode: Int = 0, timeLimit: Seconds, team: String = "default", priority: PriorityClass = .normal,
        submitTime: Seconds = 0
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
    }

    /// Checks the spec on its own (no cluster needed); the message names the field.
    public func validate() throws(JobSpecError) {
        if gpus < 0 { throw .invalid(field: "gpus", "must be 0 or more, got \(gpus)") }
        if let nodes, nodes < 1 { throw .invalid(field: "nodes", "must be 1 or more, got \(nodes)") }
        if let gpusPerNode, gpusPerNode < 0 {
            throw .invalid(field: "gpus_per_node", "must be 0 or more, got \(gpusPerNode)")
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
        if cpusPerNode < 0 { throw .invalid(field: "cpus_per_node", "must be 0 or more, got \(cpusPerNode)") }
        if memoryMiBPerNode < 0 {
            throw .invalid(field: "memory_mib_per_node", "must be 0 or more, got \(memoryMiBPerNode)")
        }
        if timeLimit <= 0 { throw .invalid(field: "time_limit", "must be positive, got \(timeLimit) s") }
        if team.isEmpty { throw .invalid(field: "team", "must not be empty") }
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
        if gpus <= maxGPUsPerNode { return GangShape(nodes: 1, gpusPerNode: gpus) }
        var n = (gpus + maxGPUsPerNode - 1) / maxGPUsPerNode
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
