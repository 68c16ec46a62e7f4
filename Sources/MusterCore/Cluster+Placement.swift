extension Cluster {
    /// Finds where a gang of `shape` would run now, or nil if it cannot start. Does not change the cluster.
    ///
    /// All-or-nothing and topology-aware: the gang goes to the lowest block that can hold it whole (best fit
    /// among blocks of that level: the one that leaves the fewest suitable nodes stranded); inside it, it spans as
    /// few child blocks as it can; on the nodes, it prefers those with the fewest free GPUs (best fit).
    /// - Complexity: O(maxGPUsPerNode) for a one-node gang on nodes without CPU/memory limits; otherwise
    ///   O(blocks + nodes of the chosen block).
    ///
    /// With `model`, only nodes of that GPU model (an index into `gpuModels`) are used; a one-node gang then
    /// also steps over other models' nodes with room.
    public func findPlacement(
        _ shape: GangShape, cpusPerNode: Int = 0, memoryMiBPerNode: Int = 0, model: Int? = nil
    ) -> Placement? {
        let gpn = shape.gpusPerNode
        guard shape.nodes >= 1, gpn <= maxGPUsPerNode, shape.gpus <= freeTotal || gpn == 0 else { return nil }
        if let model, !gpuModels.indices.contains(model) { return nil }
        let model = gpuModels.count > 1 ? model : nil
        if gpn == 0 {
            return placeCPUOnly(shape, cpusPerNode: cpusPerNode, memoryMiBPerNode: memoryMiBPerNode, model: model)
        }
        if shape.nodes == 1 {
            return placeOnOneNode(gpn, cpusPerNode: cpusPerNode, memoryMiBPerNode: memoryMiBPerNode, model: model)
        }
        guard nodesWithFree(atLeast: gpn, in: root, model: model) >= shape.nodes else { return nil }
        let blocks = blockParent.count
        let base = capSlice(model: model) + (gpn - 1) * blocks
        // The lowest level with a block that holds the whole gang; best fit within that level.
        var chosen = -1
        for range in levelBlocks {
            var bestCap = Int32.max
            var b = range.lowerBound
            let n = Int32(shape.nodes)
            while b < range.upperBound {
                let c = cap[base + b]
                if c >= n && c < bestCap {
                    bestCap = c
                    chosen = b
                }
                b += 1
            }
            if chosen >= 0 { break }
        }
        guard chosen >= 0 else { return nil }
        var nodes: [Int32] = []
        nodes.reserveCapacity(shape.nodes)
        guard
            take(
                shape.nodes, from: chosen, gpn: gpn, cpus: cpusPerNode, memory: memoryMiBPerNode, model: model,
                into: &nodes)
        else { return nil }
        return Placement(nodes: nodes, gpuMasks: nodes.map { lowestBits(freeMask[Int($0)], count: gpn) })
    }

    /// True if a gang of `shape` could ever run on this cluster when it is empty.
    /// - Complexity: O(1) without CPU or memory demands, else O(nodes).
    /// With `model`, on that model's nodes only (O(nodes)).
    public func couldEverFit(
        _ shape: GangShape, cpusPerNode: Int = 0, memoryMiBPerNode: Int = 0, model: Int? = nil
    ) -> Bool {
        guard shape.gpusPerNode <= maxGPUsPerNode else { return false }
        if let model, !gpuModels.indices.contains(model) { return false }
        if cpusPerNode == 0 && memoryMiBPerNode == 0 && (model == nil || gpuModels.count == 1) {
            return nodesWithCapacity[shape.gpusPerNode] >= shape.nodes
        }
        var fitting = 0
        for node in 0..<nodeCount
        where Int(nodeGPUs[node]) >= shape.gpusPerNode && (model.map { Int(nodeModel[node]) == $0 } ?? true)
            && (nodeCPUs[node] == 0 || Int(nodeCPUs[node]) >= cpusPerNode)
            && (nodeMemoryMiB[node] == 0 || Int(nodeMemoryMiB[node]) >= memoryMiBPerNode)
        {
            fitting += 1
            if fitting >= shape.nodes { return true }
        }
        return false
    }

    @inline(__always)
    func nodeHasRoom(_ node: Int, cpus: Int, memory: Int) -> Bool {
        (cpus == 0 || Int(freeCPUs[node]) >= cpus) && (memory == 0 || Int(freeMemoryMiB[node]) >= memory)
    }

    private func placeOnOneNode(_ gpn: Int, cpusPerNode: Int, memoryMiBPerNode: Int, model: Int?) -> Placement? {
        if let model, nodesWithFree(atLeast: gpn, in: root, model: model) == 0 { return nil }
        var f = gpn
        while f <= maxGPUsPerNode {
            var node = bucketHead[f]
            while node >= 0 {
                if model.map({ Int(nodeModel[Int(node)]) == $0 }) ?? true,
                    nodeHasRoom(Int(node), cpus: cpusPerNode, memory: memoryMiBPerNode)
                {
                    return Placement(nodes: [node], gpuMasks: [lowestBits(freeMask[Int(node)], count: gpn)])
                }
                node = bucketNext[Int(node)]
            }
            f += 1
        }
        return nil
    }

    private func placeCPUOnly(_ shape: GangShape, cpusPerNode: Int, memoryMiBPerNode: Int, model: Int?) -> Placement? {
        var nodes: [Int32] = []
        for node in 0..<nodeCount
        where nodeHasRoom(node, cpus: cpusPerNode, memory: memoryMiBPerNode)
            && (model.map { Int(nodeModel[node]) == $0 } ?? true)
        {
            nodes.append(Int32(node))
            if nodes.count == shape.nodes {
                return Placement(nodes: nodes, gpuMasks: Array(repeating: 0, count: nodes.count))
            }
        }
        return nil
    }

    /// Picks `count` nodes with at least `gpn` free GPUs inside block `b`, spanning as few children as possible.
    private func take(
        _ count: Int, from b: Int, gpn: Int, cpus: Int, memory: Int, model: Int?, into out: inout [Int32]
    ) -> Bool {
        if blockLevel[b] == 0 {
            var candidates: [(free: UInt8, node: Int32)] = []
            for node in Int(blockNodeStart[b])..<Int(blockNodeEnd[b])
            where Int(freeGPUs[node]) >= gpn && nodeHasRoom(node, cpus: cpus, memory: memory)
                && (model.map { Int(nodeModel[node]) == $0 } ?? true)
            {
                candidates.append((freeGPUs[node], Int32(node)))
            }
            guard candidates.count >= count else { return false }
            candidates.sort { $0.free != $1.free ? $0.free < $1.free : $0.node < $1.node }
            for i in 0..<count { out.append(candidates[i].node) }
            return true
        }
        let blocks = blockParent.count
        let base = capSlice(model: model) + (gpn - 1) * blocks
        var children: [(cap: Int32, block: Int32)] = []
        for c in Int(blockChildStart[b])..<Int(blockChildEnd[b]) where cap[base + c] > 0 {
            children.append((cap[base + c], Int32(c)))
        }
        children.sort { $0.cap != $1.cap ? $0.cap > $1.cap : $0.block < $1.block }
        var remaining = count
        var next = 0
        while remaining > 0 && next < children.count {
            // If one child holds the rest, use the smallest such child (best fit); else fill the largest.
            var fit = -1
            var i = children.count - 1
            while i >= next {
                if Int(children[i].cap) >= remaining {
                    fit = i
                    break
                }
                i -= 1
            }
            if fit >= 0 {
                return take(
                    remaining, from: Int(children[fit].block), gpn: gpn, cpus: cpus, memory: memory, model: model,
                    into: &out)
            }
            let whole = Int(children[next].cap)
            guard
                take(
                    whole, from: Int(children[next].block), gpn: gpn, cpus: cpus, memory: memory, model: model,
                    into: &out)
            else { return false }
            remaining -= whole
            next += 1
        }
        return remaining == 0
    }
}

/// The `count` lowest set bits of `mask`.
@inline(__always)
func lowestBits(_ mask: UInt64, count: Int) -> UInt64 {
    var m = mask
    var out: UInt64 = 0
    var left = count
    while left > 0 && m != 0 {
        let bit = m & (~m &+ 1)
        out |= bit
        m &= m - 1
        left -= 1
    }
    return out
}
