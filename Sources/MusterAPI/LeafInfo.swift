/// One leaf block of the cluster, summed (`GET /v1/leaves`): what the dashboard's map shows per block when the
/// cluster is too large to draw node by node.
public struct LeafInfo: Codable, Sendable, Hashable {
    public var leaf: String
    public var spine: String
    public var nodes: Int
    public var gpus: Int
    /// GPUs free on schedulable nodes.
    public var freeGPUs: Int
    /// GPUs allocated to jobs on schedulable nodes.
    public var usedGPUs: Int
    /// Nodes by shown state: up, drained, down (returning ones included), and up nodes held as spares.
    public var up: Int
    public var drained: Int
    public var down: Int
    public var spare: Int
    /// Nodes some running job holds.
    public var busy: Int

    public init(
        leaf: String, spine: String, nodes: Int = 0, gpus: Int = 0, freeGPUs: Int = 0, usedGPUs: Int = 0, up: Int = 0,
        drained: Int = 0,
        down: Int = 0, spare: Int = 0, busy: Int = 0
    ) {
        self.leaf = leaf
        self.spine = spine
        self.nodes = nodes
        self.gpus = gpus
        self.freeGPUs = freeGPUs
        self.usedGPUs = usedGPUs
        self.up = up
        self.drained = drained
        self.down = down
        self.spare = spare
        self.busy = busy
    }

    enum CodingKeys: String, CodingKey {
        case leaf, spine, nodes, gpus
        case freeGPUs = "free_gpus"
        case usedGPUs = "used_gpus"
        case up, drained, down, spare, busy
    }
}

/// `GET /v1/leaves`: every leaf block, by spine then leaf name.
public struct LeafList: Codable, Sendable, Hashable {
    public var leaves: [LeafInfo]

    public init(leaves: [LeafInfo]) { self.leaves = leaves }
}
