extension Snapshot {
    /// What a withdrawn node's GPUs, CPUs and memory the snapshot holds so nothing starts there.
    public struct Withdrawal: Sendable, Hashable {
        public var gpus: UInt64
        public var cpus: Int
        public var memoryMiB: Int
    }

    /// Takes node `node` out of service without rebuilding anything: a spare leaves the pool (its leaf refills),
    /// and its free GPUs, CPUs and memory, and whatever its jobs give back later, are held until `restore`.
    /// A node going down or drained costs O(its leaf), not O(cluster).
    public mutating func withdraw(_ node: Int32) {
        guard node >= 0, Int(node) < cluster.nodeCount, withdrawn[node] == nil else { return }
        withSpares { $0.failed(node, cluster: &$1) }
        withdrawn[node] = Withdrawal(gpus: 0, cpus: 0, memoryMiB: 0)
        holdFree(node)
        let leaf = Int(cluster.nodeBlock[Int(node)])
        withSpares { $0.refill(leaf: leaf, cluster: &$1) }
        // The reservation may have counted on this node.
        reservation = nil
    }

    /// Puts a withdrawn node back in service: what was held is free again, and it may become a spare.
    public mutating func restore(_ node: Int32) {
        guard let held = withdrawn.removeValue(forKey: node) else { return }
        cluster.release(
            Placement(nodes: [node], gpuMasks: [held.gpus]), cpusPerNode: held.cpus, memoryMiBPerNode: held.memoryMiB)
        withSpares { $0.repaired(node, cluster: &$1) }
        reservation = nil
    }

    /// Whether node `node` is withdrawn.
    public func isWithdrawn(_ node: Int32) -> Bool { withdrawn[node] != nil }

    /// Holds what is free on withdrawn `node` now (after a job there gave its GPUs back).
    mutating func holdFree(_ node: Int32) {
        guard var held = withdrawn[node] else { return }
        let n = Int(node)
        let mask = cluster.freeMask[n]
        let cpus = Int(cluster.freeCPUs[n])
        let memory = Int(cluster.freeMemoryMiB[n])
        guard mask != 0 || cpus > 0 || memory > 0 else { return }
        cluster.allocate(Placement(nodes: [node], gpuMasks: [mask]), cpusPerNode: cpus, memoryMiBPerNode: memory)
        held.gpus |= mask
        held.cpus += cpus
        held.memoryMiB += memory
        withdrawn[node] = held
    }
}
