extension Lifecycle {
    /// Builds a cluster from node inventories: levels leaf and spine, nodes sorted by name. Nil when empty.
    public static func buildCluster(_ inventories: [NodeInventory]) -> Cluster? {
        guard !inventories.isEmpty else { return nil }
        let sorted = inventories.sorted { $0.name < $1.name }
        var models: [String] = []
        var memory: [Int] = []
        var spines: [String: Int] = [:]
        var leaves: [String: Int] = [:]
        var specs: [ClusterLayout.NodeSpec] = []
        for inv in sorted {
            let model = inv.gpus.first?.model ?? "none"
            var modelIndex = models.firstIndex(of: model) ?? -1
            if modelIndex < 0 {
                models.append(model)
                memory.append((inv.gpus.first?.memoryMiB ?? 0) / 1024)
                modelIndex = models.count - 1
            }
            let spine = spines[inv.spine] ?? spines.count
            spines[inv.spine] = spine
            let leafKey = inv.spine + "\u{0}" + inv.leaf
            let leaf = leaves[leafKey] ?? leaves.count
            leaves[leafKey] = leaf
            specs.append(
                ClusterLayout.NodeSpec(
                    name: inv.name, gpus: min(64, inv.gpus.count), gpuModel: modelIndex, cpus: inv.cpus,
                    memoryMiB: inv.memoryMiB, path: [leaf, spine]))
        }
        let layout = ClusterLayout(
            gpuModels: zip(models, memory).map { GPUModel(name: $0, memoryGiB: $1, maxWatts: 700, idleWatts: 70) },
            levelNames: ["leaf", "spine"], nodes: specs)
        return try? Cluster(layout: layout)
    }

    mutating func refreshCapacity() {
        capacity = Self.buildCluster(nodes.values.map(\.inventory))
        capacityStale = false
    }

    /// Seconds between rebuilds of the snapshot for added nodes: a rebuild is O(nodes + running), so a large
    /// cluster rebuilds at most once per `nodes / 100,000` s (1.25 s at 125,000 nodes) while nodes register;
    /// below 1,000 nodes, at every pass.
    var rebuildGap: Double { nodes.count < 1_000 ? 0 : Double(nodes.count) / 100_000 }

    /// Rebuilds the scheduler's view from every node, the queue and the attempts holding GPUs; nodes out of
    /// service (down, returning, drained) are withdrawn. Only added nodes or changed inventories need this.
    mutating func rebuildSnapshot() {
        guard !isStatic else { return }
        nodesChanged = false
        refreshCapacity()
        guard let cluster = capacity else {
            snapshot = nil
            nodeIndex = [:]
            return
        }
        // Gangs waiting to restart on spares keep their claim across the rebuild, by node name.
        var claims: [JobID: [String]] = [:]
        var spareNames: [String] = []
        if let old = snapshot, let pool = old.spares {
            for (id, nodes) in pool.claims { claims[id] = nodes.map { old.cluster.nodeNames[Int($0)] } }
            spareNames = (0..<old.cluster.nodeCount).filter { pool.member[$0] }.map { old.cluster.nodeNames[$0] }
        }
        nodeIndex = [:]
        for i in 0..<cluster.nodeCount { nodeIndex[cluster.nodeNames[i]] = Int32(i) }
        var snap = Snapshot(cluster: cluster)
        if let sharing { snap.sharing = SharingState(policy: sharing, cluster: cluster) }
        for id in active.sorted() where jobs[id]?.state == .pending && !held.contains(id) {
            snap.pending.append(pendingEntry(jobs[id]!, models: cluster.gpuModels))
        }
        // Running jobs first (a preemptor waiting for its victims owns their GPUs already), in start order (the
        // earliest jobs of a team are the ones inside its guarantee); then attempts still stopping.
        let starts = holding.map { id in
            (id, jobs[id]?.state == .running ? 0 : 1, jobs[id]?.attempt?.scheduledAt ?? 0)
        }
        for (id, _, _) in starts.sorted(by: { ($0.1, $0.2, $0.0) < ($1.1, $1.2, $1.0) }) {
            guard let job = jobs[id], let attempt = job.attempt else { continue }
            var nodeIDs: [Int32] = []
            var masks: [UInt64] = []
            let live = Set(attempt.nodesWithLiveRanks)
            for (i, name) in attempt.nodes.enumerated() {
                guard let n = nodeIndex[name], let devices = nodes[name]?.inventory.gpus, live.contains(name) else {
                    continue
                }
                var mask: UInt64 = 0
                for g in attempt.gpus[i] {
                    if let bit = devices.firstIndex(where: { $0.index == g }), bit < 64 { mask |= 1 << UInt64(bit) }
                }
                // Never count a GPU twice, whatever the stored rows say.
                guard snap.cluster.freeMask[Int(n)] & mask == mask else { continue }
                nodeIDs.append(n)
                masks.append(mask)
            }
            guard !nodeIDs.isEmpty else { continue }
            let placement = Placement(nodes: nodeIDs, gpuMasks: masks)
            let start = Self.seconds(attempt.scheduledAt)
            let end = start.addingReportingOverflow(job.spec.timeLimit)
            var running = RunningJob(
                id: id, placement: placement, cpusPerNode: job.spec.cpusPerNode,
                memoryMiBPerNode: job.spec.memoryMiBPerNode, startTime: start,
                expectedEnd: end.overflow ? .max : end.partialValue, priority: job.spec.priority.rank)
            running.stopping = job.state != .running
            running.service = job.replica != nil
            if let at = attempt.checkpointAt { running.checkpoint = Self.seconds(at) }
            if let teamTable { running.team = Int32(teamTable.team(named: job.spec.team)) }
            if let sharing = snap.sharing {
                let asked = job.spec.gpuModel.flatMap { GPUModel.resolve($0, in: cluster.gpuModels) }
                snap.setLedgers(&running, askedFor: Int16(clamping: asked ?? -1))
                if !running.stopping {
                    let quotas = running.ledger < 0 ? sharing.quotas : sharing.modelQuotas[Int(running.ledger)]!
                    running.borrowed = quotas.admit(Int(running.team), gpus: placement.gpuCount) != .guaranteed
                }
            }
            snap.hold(running)
        }
        if let spares = sparePolicy {
            var ids: [JobID: [Int32]] = [:]
            for (id, names) in claims { ids[id] = names.compactMap { nodeIndex[$0] } }
            snap.spares = SparePool(
                policy: spares, cluster: &snap.cluster, preferred: spareNames.compactMap { nodeIndex[$0] },
                avoided: ids.values.flatMap { $0 })
            snap.spares!.claims = ids
        }
        for (name, node) in nodes where !node.schedulable {
            if let index = nodeIndex[name] { snap.withdraw(index) }
        }
        snapshot = snap
    }
}
