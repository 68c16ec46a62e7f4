/// Where a gang runs: one entry per node, with the GPUs taken on it as a bit mask (bit i = GPU index i).
public struct Placement: Sendable, Hashable, Codable {
    /// Dense node ids, in rank order (rank 0's node first).
    public var nodes: [Int32]
    /// GPU bit masks, parallel to `nodes`.
    public var gpuMasks: [UInt64]

    public init(nodes: [Int32], gpuMasks: [UInt64]) {
        precondition(nodes.count == gpuMasks.count)
        self.nodes = nodes
        self.gpuMasks = gpuMasks
    }

    /// Total GPUs held.
    public var gpuCount: Int { gpuMasks.reduce(0) { $0 + $1.nonzeroBitCount } }

    /// GPU indices on the `i`-th node, ascending.
    public func gpuIndices(at i: Int) -> [Int] {
        var mask = gpuMasks[i]
        var out: [Int] = []
        while mask != 0 {
            out.append(mask.trailingZeroBitCount)
            mask &= mask - 1
        }
        return out
    }
}
