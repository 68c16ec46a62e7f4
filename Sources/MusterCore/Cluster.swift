/// The cluster as the scheduler sees it: every node's free GPUs, CPUs and memory, and a tree of topology blocks
/// that keeps free-capacity counts so a gang finds the lowest block that fits without scanning nodes.
///
/// Struct of arrays indexed by dense ids: nodes `0..<nodeCount`; blocks level by level, lowest level first, the
/// root last. For every block and every `k` in `1...maxGPUsPerNode` it keeps how many of its nodes have at least
/// `k` free GPUs; and for each free count the nodes that have exactly that many, as intrusive lists.
public struct Cluster: Sendable {
    // MARK: Static layout
    public let gpuModels: [GPUModel]
    /// Level names, lowest first, ending with `cluster`.
    public let levelNames: [String]
    public let nodeNames: [String]
    public let nodeGPUs: [UInt8]
    public let nodeModel: [UInt16]
    public let nodeCPUs: [Int32]
    public let nodeMemoryMiB: [Int32]
    /// The lowest block holding each node.
    public let nodeBlock: [Int32]
    /// Block ids of each level: `levelBlocks[l]`.
    public let levelBlocks: [Range<Int>]
    public let blockParent: [Int32]
    /// Nodes of each block: a contiguous range.
    public let blockNodeStart: [Int32]
    public let blockNodeEnd: [Int32]
    /// Children of each block above the lowest level: a contiguous range of block ids one level down.
    public let blockChildStart: [Int32]
    public let blockChildEnd: [Int32]
    public let blockLevel: [UInt8]
    /// The largest GPU count of any node.
    public let maxGPUsPerNode: Int
    public let totalGPUs: Int
    /// `nodesWithCapacity[k]`: nodes that have at least `k` GPUs in all (free or not).
    public let nodesWithCapacity: [Int]

    // MARK: Dynamic state
    /// Free GPUs of each node, bit i = GPU i.
    public internal(set) var freeMask: [UInt64]
    public internal(set) var freeGPUs: [UInt8]
    public internal(set) var freeCPUs: [Int32]
    public internal(set) var freeMemoryMiB: [Int32]
    /// `cap[(k - 1) * blockCount + b]`: nodes in block `b` with at least `k` free GPUs. With several GPU models,
    /// one more slice per model follows (`capSlice(model:)`): the same counts over that model's nodes only.
    @usableFromInline internal var cap: [Int32]
    /// Free GPUs in each block.
    public internal(set) var blockFree: [Int64]
    /// Head of the list of nodes with exactly `f` free GPUs, for `f` in `0...maxGPUsPerNode` (-1: empty).
    @usableFromInline internal var bucketHead: [Int32]
    @usableFromInline internal var bucketNext: [Int32]
    @usableFromInline internal var bucketPrev: [Int32]
    /// Free GPUs in the whole cluster.
    public internal(set) var freeTotal: Int

    public var nodeCount: Int { nodeNames.count }
    public var blockCount: Int { blockParent.count }
    public var root: Int { blockParent.count - 1 }

    /// Builds the indexed cluster, every GPU free. Nodes are reordered so that each block's nodes are contiguous;
    /// node ids follow that order.
    public init(layout: ClusterLayout) throws(ClusterLayoutError) {
        try layout.validate()
        let depth = layout.levelNames.count
        // Order nodes so that every block is a contiguous range: sort by path from the top level down.
        let order = layout.nodes.indices.sorted { a, b in
            let pa = layout.nodes[a].path
            let pb = layout.nodes[b].path
            var l = depth - 1
            while l >= 0 {
                if pa[l] != pb[l] { return pa[l] < pb[l] }
                l -= 1
            }
            return a < b
        }
        let nodes = order.map { layout.nodes[$0] }
        gpuModels = layout.gpuModels
        levelNames = layout.levelNames + ["cluster"]
        nodeNames = nodes.map(\.name)
        nodeGPUs = nodes.map { UInt8($0.gpus) }
        nodeModel = nodes.map { UInt16($0.gpuModel) }
        nodeCPUs = nodes.map { Int32(clamping: $0.cpus) }
        nodeMemoryMiB = nodes.map { Int32(clamping: $0.memoryMiB) }
        maxGPUsPerNode = max(1, nodes.map(\.gpus).max() ?? 1)
        totalGPUs = nodes.reduce(0) { $0 + $1.gpus }
        var withCapacity = [Int](repeating: 0, count: maxGPUsPerNode + 2)
        for node in nodes { withCapacity[node.gpus] += 1 }
        for k in stride(from: maxGPUsPerNode - 1, through: 0, by: -1) { withCapacity[k] += withCapacity[k + 1] }
        nodesWithCapacity = withCapacity

        // Blocks: level l (0 = lowest) splits wherever the path suffix from l upward changes.
        var parent: [Int32] = []
        var nodeStart: [Int32] = []
        var nodeEnd: [Int32] = []
        var childStart: [Int32] = []
        var childEnd: [Int32] = []
        var level: [UInt8] = []
        var ranges: [Range<Int>] = []
        var nodeBlock = [Int32](repeating: 0, count: nodes.count)
        var previousLevelFirst = 0
        for l in 0...depth {
            let first = parent.count
            for i in nodes.indices {
                let isNew: Bool
                if i == 0 {
                    isNew = true
                } else if l == depth {
                    isNew = false
                } else {
                    isNew = nodes[i].path[l...] != nodes[i - 1].path[l...]
                }
                if isNew {
                    parent.append(-1)
                    nodeStart.append(Int32(i))
                    nodeEnd.append(Int32(i + 1))
                    level.append(UInt8(l))
                    childStart.append(0)
                    childEnd.append(0)
                } else {
                    nodeEnd[parent.count - 1] = Int32(i + 1)
                }
                if l == 0 { nodeBlock[i] = Int32(parent.count - 1) }
            }
            ranges.append(first..<parent.count)
            if l > 0 {
                // Link the level below to this level: children are contiguous because both follow node order.
                var b = first
                for c in previousLevelFirst..<first {
                    while nodeStart[c] >= nodeEnd[b] { b += 1 }
                    parent[c] = Int32(b)
                    if childStart[b] == 0 && childEnd[b] == 0 { childStart[b] = Int32(c) }
                    childEnd[b] = Int32(c + 1)
                }
            }
            previousLevelFirst = first
        }
        self.nodeBlock = nodeBlock
        levelBlocks = ranges
        blockParent = parent
        blockNodeStart = nodeStart
        blockNodeEnd = nodeEnd
        blockChildStart = childStart
        blockChildEnd = childEnd
        blockLevel = level

        let blockCount = parent.count
        freeMask = nodeGPUs.map { $0 >= 64 ? UInt64.max : (UInt64(1) << UInt64($0)) - 1 }
        freeGPUs = nodeGPUs
        freeCPUs = nodeCPUs
        freeMemoryMiB = nodeMemoryMiB
        freeTotal = totalGPUs
        let slices = (2...Self.maxModelSlices).contains(layout.gpuModels.count) ? 1 + layout.gpuModels.count : 1
        cap = [Int32](repeating: 0, count: slices * maxGPUsPerNode * blockCount)
        blockFree = [Int64](repeating: 0, count: blockCount)
        bucketHead = [Int32](repeating: -1, count: maxGPUsPerNode + 1)
        bucketNext = [Int32](repeating: -1, count: nodes.count)
        bucketPrev = [Int32](repeating: -1, count: nodes.count)
        for node in stride(from: nodes.count - 1, through: 0, by: -1) {
            bucketInsert(node, free: Int(nodeGPUs[node]))
            addToBlocks(node, from: 0, to: Int(nodeGPUs[node]))
        }
    }

    /// Nodes in block `b` with at least `k` free GPUs (`k` ≥ 1).
    /// - Complexity: O(1).
    @inlinable
    public func nodesWithFree(atLeast k: Int, in b: Int) -> Int {
        Int(cap[(k - 1) * blockParent.count + b])
    }

    /// Nodes of GPU model `model` (any model when nil) in block `b` with at least `k` free GPUs.
    public func nodesWithFree(atLeast k: Int, in b: Int, model: Int?) -> Int {
        Int(cap[capSlice(model: model) + (k - 1) * blockParent.count + b])
    }

    /// The bit mask of all GPUs a node has.
    public func capacityMask(_ node: Int) -> UInt64 {
        let n = nodeGPUs[node]
        return n >= 64 ? UInt64.max : (UInt64(1) << UInt64(n)) - 1
    }

    // MARK: Mutation

    /// Takes the GPUs (and CPUs, memory) of `placement`. They must be free.
    /// - Complexity: O((nodes in the placement + leaves it spans × depth) × maxGPUsPerNode).
    public mutating func allocate(_ placement: Placement, cpusPerNode: Int = 0, memoryMiBPerNode: Int = 0) {
        change(placement, taking: true, cpusPerNode: cpusPerNode, memoryMiBPerNode: memoryMiBPerNode)
    }

    /// Returns a placement's GPUs (and CPUs, memory) to the free pool.
    public mutating func release(_ placement: Placement, cpusPerNode: Int = 0, memoryMiBPerNode: Int = 0) {
        change(placement, taking: false, cpusPerNode: cpusPerNode, memoryMiBPerNode: memoryMiBPerNode)
    }

    /// Takes or returns a placement's resources. Block counts change leaf by leaf: the changes of a run of nodes
    /// in one leaf reach the leaf's ancestors once, so a gang of many nodes costs O(nodes + leaves × depth)
    /// rather than O(nodes × depth).
    private mutating func change(_ placement: Placement, taking: Bool, cpusPerNode: Int, memoryMiBPerNode: Int) {
        let width = maxGPUsPerNode
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: width) { delta in
            delta.initialize(repeating: 0)
            var leaf = -1
            var model = -1
            var freeDelta: Int64 = 0
            for i in placement.nodes.indices {
                let node = Int(placement.nodes[i])
                let mask = placement.gpuMasks[i]
                let newMask: UInt64
                if taking {
                    precondition(freeMask[node] & mask == mask, "GPU double-booked on node \(nodeNames[node])")
                    newMask = freeMask[node] & ~mask
                    freeCPUs[node] -= Int32(cpusPerNode)
                    freeMemoryMiB[node] -= Int32(memoryMiBPerNode)
                } else {
                    precondition(freeMask[node] & mask == 0, "releasing GPUs that are free on node \(nodeNames[node])")
                    precondition(capacityMask(node) & mask == mask, "GPU index beyond node \(nodeNames[node])")
                    newMask = freeMask[node] | mask
                    freeCPUs[node] += Int32(cpusPerNode)
                    freeMemoryMiB[node] += Int32(memoryMiBPerNode)
                }
                let old = Int(freeGPUs[node])
                let new = newMask.nonzeroBitCount
                freeMask[node] = newMask
                guard old != new else { continue }
                freeGPUs[node] = UInt8(new)
                freeTotal += new - old
                bucketRemove(node, free: old)
                bucketInsert(node, free: new)
                let block = Int(nodeBlock[node])
                let nodeModel = Int(self.nodeModel[node])
                if block != leaf || nodeModel != model {
                    if leaf >= 0 { flush(leaf, model, freeDelta, delta) }
                    leaf = block
                    model = nodeModel
                    freeDelta = 0
                }
                freeDelta += Int64(new - old)
                // Nodes with at least k free: +1 for k in (old, new], -1 for k in (new, old].
                if new > old {
                    for k in old..<new { delta[k] += 1 }
                } else {
                    for k in new..<old { delta[k] -= 1 }
                }
            }
            if leaf >= 0 { flush(leaf, model, freeDelta, delta) }
        }
    }

    /// Most GPU models given their own capacity counts; a cluster of more (only a misconfigured one) places
    /// model-bound gangs by filtering nodes only, which may miss a fit, rather than grow `cap` per model.
    public static let maxModelSlices = 64

    /// Where the capacity counts of `model`'s nodes start in `cap`: 0 (all nodes) for nil or a one-model cluster.
    @inline(__always)
    public func capSlice(model: Int?) -> Int {
        guard let model, (2...Self.maxModelSlices).contains(gpuModels.count) else { return 0 }
        return (model + 1) * maxGPUsPerNode * blockParent.count
    }

    /// Applies the pending changes of a leaf's nodes of one model to it and its ancestors, and clears them.
    private mutating func flush(
        _ leaf: Int, _ model: Int, _ freeDelta: Int64, _ delta: UnsafeMutableBufferPointer<Int32>
    ) {
        let blocks = blockParent.count
        let slice = capSlice(model: model)
        var b = leaf
        while b >= 0 {
            blockFree[b] += freeDelta
            for k in 0..<delta.count where delta[k] != 0 {
                cap[k * blocks + b] += delta[k]
                if slice > 0 { cap[slice + k * blocks + b] += delta[k] }
            }
            b = Int(blockParent[b])
        }
        for k in 0..<delta.count { delta[k] = 0 }
    }

    private mutating func addToBlocks(_ node: Int, from old: Int, to new: Int) {
        let blocks = blockParent.count
        let slice = capSlice(model: Int(nodeModel[node]))
        var b = Int(nodeBlock[node])
        while b >= 0 {
            blockFree[b] += Int64(new - old)
            var k = old + 1
            while k <= new {
                cap[(k - 1) * blocks + b] += 1
                if slice > 0 { cap[slice + (k - 1) * blocks + b] += 1 }
                k += 1
            }
            b = Int(blockParent[b])
        }
    }

    private mutating func bucketInsert(_ node: Int, free: Int) {
        let head = bucketHead[free]
        bucketNext[node] = head
        bucketPrev[node] = -1
        if head >= 0 { bucketPrev[Int(head)] = Int32(node) }
        bucketHead[free] = Int32(node)
    }

    private mutating func bucketRemove(_ node: Int, free: Int) {
        let next = bucketNext[node]
        let prev = bucketPrev[node]
        if prev >= 0 { bucketNext[Int(prev)] = next } else { bucketHead[free] = next }
        if next >= 0 { bucketPrev[Int(next)] = prev }
        bucketNext[node] = -1
        bucketPrev[node] = -1
    }
}
