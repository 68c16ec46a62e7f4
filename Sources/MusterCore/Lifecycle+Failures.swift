extension Lifecycle {
    /// The simulator's node failure (a static cluster): every job running on node `index` loses its ranks and is
    /// requeued, as a job on a node declared down is on a live cluster (`ranksLost`, `lose`); when `down`, the
    /// node's GPUs are then held until `nodeRepaired`, so nothing starts there. Returns the interrupted jobs.
    public mutating func nodeFailed(_ index: Int32, reason: String, down: Bool, now: Double) -> [JobID] {
        guard isStatic, let cluster = snapshot?.cluster, index >= 0, Int(index) < cluster.nodeCount else { return [] }
        let name = cluster.nodeNames[Int(index)]
        var hit: [JobID] = []
        for job in snapshot!.running.byID.values where !job.stopping && job.placement.nodes.contains(index) {
            hit.append(job.id)
        }
        hit.sort()
        var directives: [Directive] = []
        // A failed node is withdrawn (never a spare, nothing starts there) before its jobs give their GPUs back,
        // which it then holds as well.
        if down { snapshot!.withdraw(index) }
        for id in hit {
            guard let attempt = jobs[id]?.attempt else { continue }
            let live = attempt.ranks.indices.filter { !attempt.ranks[$0].exited }
            ranksLost(id, live, reason: "node \(name) failed (\(reason))", at: now, &directives)
        }
        // The reservation may have counted on this node.
        snapshot!.reservation = nil
        return hit
    }

    /// A failed node is repaired: its GPUs take work again.
    public mutating func nodeRepaired(_ index: Int32) {
        snapshot?.restore(index)
    }

    /// Nodes failed and not yet repaired (the simulator's).
    public var nodesDown: Int { snapshot?.withdrawn.count ?? 0 }

    /// Whether node `index` failed and is not repaired yet.
    public func isNodeDown(_ index: Int32) -> Bool { snapshot?.isWithdrawn(index) ?? false }

    /// Whether the node named `name` is a hot spare now.
    public func isSpare(_ name: String) -> Bool {
        guard let pool = snapshot?.spares, let i = nodeIndex[name], Int(i) < pool.member.count else { return false }
        return pool.member[Int(i)]
    }
}
