/// The static shape of a cluster: its nodes and the topology blocks that group them.
///
/// Each node names the block it sits in at every level above it (`path[0]` the lowest block, e.g. its leaf switch;
/// `path[1]` the next, e.g. its spine group). The cluster itself is the implicit root. `Cluster(layout:)` turns this
/// into the dense, indexed form the scheduler uses.
public struct ClusterLayout: Sendable, Hashable, Codable {
    /// One node as declared.
    public struct NodeSpec: Sendable, Hashable, Codable {
        public var name: String
        public var gpus: Int
        /// Index into `ClusterLayout.gpuModels`.
        public var gpuModel: Int
        public var cpus: Int
        public var memoryMiB: Int
        /// Block key at each level above the node, lowest first. Keys only need to be unique within their level.
        public var path: [Int]

        public init(name: String, gpus: Int, gpuModel: Int = 0, cpus: Int = 0, memoryMiB: Int = 0, path: [Int]) {
            self.name = name
            self.gpus = gpus
            self.gpuModel = gpuModel
            self.cpus = cpus
            self.memoryMiB = memoryMiB
            self.path = path
        }
    }

    public var gpuModels: [GPUModel]
    /// Names of the levels above the node, lowest first (e.g. `["leaf", "spine"]`); the root `cluster` is added.
    public var levelNames: [String]
    public var nodes: [NodeSpec]

    public init(gpuModels: [GPUModel], levelNames: [String], nodes: [NodeSpec]) {
        self.gpuModels = gpuModels
        self.levelNames = levelNames
        self.nodes = nodes
    }

    /// Checks that the layout can be built; the message says what to fix.
    public func validate() throws(ClusterLayoutError) {
        if nodes.isEmpty { throw .invalid("a cluster needs at least one node") }
        if gpuModels.isEmpty { throw .invalid("a cluster needs at least one GPU model") }
        if gpuModels.count > Int(UInt16.max) { throw .invalid("a cluster has at most \(UInt16.max) GPU models") }
        for (i, node) in nodes.enumerated() {
            if node.gpus < 0 || node.gpus > 64 {
                throw .invalid("node \(node.name) (#\(i)) has \(node.gpus) GPUs; 0 to 64 are supported")
            }
            if node.path.count != levelNames.count {
                throw .invalid(
                    "node \(node.name) (#\(i)) names \(node.path.count) blocks but the layout has "
                        + "\(levelNames.count) levels \(levelNames)")
            }
            if !gpuModels.indices.contains(node.gpuModel) {
                throw .invalid("node \(node.name) (#\(i)) uses GPU model #\(node.gpuModel), which is not declared")
            }
        }
    }
}

/// Why a cluster layout cannot be built.
public enum ClusterLayoutError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalid(String)

    public var description: String {
        switch self {
        case .invalid(let message): "invalid cluster layout: \(message)"
        }
    }
}
