import Foundation
import MusterAPI
import MusterCore
import MusterStore

extension Controller {
    /// The scheduler loop: runs a planning pass whenever something changed (submit, exit, node up or down) and at
    /// least once a second, and checks heartbeats. Returns when the task is cancelled.
    public func run() async {
        logger.info("scheduler loop started", metadata: ["policy": "\(config.policy)"])
        resendAfterRestart()
        while !Task.isCancelled && !shuttingDown {
            await waitForWake(timeout: 1)
            checkHeartbeats()
            schedulePass()
        }
    }

    /// Asks the scheduler loop for a pass soon.
    func wake() {
        wakeRequested = true
        if let waiter = wakeWaiter {
            wakeWaiter = nil
            waiter.resume()
        }
    }

    private func waitForWake(timeout: Double) async {
        if wakeRequested {
            wakeRequested = false
            return
        }
        let timer = Task { [weak self] in
            try? await Task.sleep(for: .seconds(timeout))
            await self?.wake()
        }
        await withCheckedContinuation { wakeWaiter = $0 }
        timer.cancel()
        wakeRequested = false
    }

    /// Builds the scheduler's cluster from node inventories: levels leaf and spine, nodes sorted by name.
    static func buildCluster(_ inventories: [RegisterAgentRequest]) -> Cluster? {
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
                memory.append((inv.gpus.first?.memoryMib ?? 0) / 1024)
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
                    memoryMiB: inv.memoryMib, path: [leaf, spine]))
        }
        let layout = ClusterLayout(
            gpuModels: zip(models, memory).map { GPUModel(name: $0, memoryGiB: $1, maxWatts: 700, idleWatts: 70) },
            levelNames: ["leaf", "spine"], nodes: specs)
        return try? Cluster(layout: layout)
    }

    /// Rebuilds the snapshot from the up nodes, the pending jobs and the jobs holding GPUs.
    func rebuildSnapshot() {
        nodesChanged = false
        let up = nodes.values.filter(\.record.up).map(\.record.inventory)
        capacity = Self.buildCluster(nodes.values.map(\.record.inventory))
        guard let cluster = Self.buildCluster(up) else {
            snapshot = nil
            return
        }
        var index: [String: Int32] = [:]
        for i in 0..<cluster.nodeCount { index[cluster.nodeNames[i]] = Int32(i) }
        var snap = Snapshot(cluster: cluster)
        for id in jobOrder {
            let job = jobs[id]!
            if job.state == .pending { snap.pending.append(pendingJob(job)) }
        }
        for id in holding.sorted() {
            let job = jobs[id]!
            // Only the nodes still up and whose ranks still run hold GPUs.
            var nodeIDs: [Int32] = []
            var masks: [UInt64] = []
            for (i, entry) in job.placement.enumerated() {
                guard let n = index[entry.node] else { continue }
                let ranks = job.ranks[(i * job.tasksPerNode)..<min(job.ranks.count, (i + 1) * job.tasksPerNode)]
                guard ranks.contains(where: { !$0.exited }) else { continue }
                let gpus = nodes[entry.node]?.record.inventory.gpus ?? []
                var mask: UInt64 = 0
                for g in entry.gpus {
                    if let bit = gpus.firstIndex(where: { $0.index == g }), bit < 64 { mask |= 1 << UInt64(bit) }
                }
                guard snap.cluster.freeMask[Int(n)] & mask == mask else {
                    logger.error("GPUs of job \(id) on \(entry.node) are already held; not counting them twice")
                    continue
                }
                nodeIDs.append(n)
                masks.append(mask)
            }
            guard !nodeIDs.isEmpty else { continue }
            let placement = Placement(nodes: nodeIDs, gpuMasks: masks)
            let cpus = job.request.cpusPerNode ?? 0
            let memory = job.request.memoryMibPerNode ?? 0
            snap.cluster.allocate(placement, cpusPerNode: cpus, memoryMiBPerNode: memory)
            let start = Int64(job.scheduledTime ?? job.submitTime)
            snap.running.insert(
                RunningJob(
                    id: id, placement: placement, cpusPerNode: cpus, memoryMiBPerNode: memory, startTime: start,
                    expectedEnd: start + (job.request.timeLimit ?? config.defaultTimeLimit)))
        }
        snapshot = snap
    }

    /// Gives back the GPUs of a job whose ranks have all exited.
    func release(_ id: JobID) {
        guard holding.remove(id) != nil else { return }
        snapshot?.finish(id)
        wake()
    }

    /// One planning pass: plan, commit every start in one transaction, then hand the ranks to the agents.
    func schedulePass() {
        if nodesChanged { rebuildSnapshot() }
        guard var snap = snapshot, !snap.pending.isEmpty else { return }
        planningPasses += 1
        let now = Date().timeIntervalSince1970
        let decisions = scheduler.plan(&snap, now: Int64(now))
        var started: [JobRecord] = []
        for decision in decisions {
            guard case .start(let id, let placement) = decision, var job = jobs[id] else { continue }
            job.state = job.state.applying(.start)
            job.epoch += 1
            job.scheduledTime = now
            job.startTime = nil
            job.placement = placement.nodes.indices.map { i in
                let name = snap.cluster.nodeNames[Int(placement.nodes[i])]
                let gpus = nodes[name]?.record.inventory.gpus ?? []
                let indices = placement.gpuIndices(at: i).map { $0 < gpus.count ? gpus[$0].index : $0 }
                return PlacementEntry(node: name, gpus: indices)
            }
            job.ranks = job.placement.flatMap { entry in
                (0..<job.tasksPerNode).map { _ in RankState(node: entry.node) }
            }
            job.reason = nil
            started.append(job)
        }
        guard !started.isEmpty else {
            snapshot = snap
            return
        }
        do {
            try commit(started)
        } catch {
            // Nothing was stored: forget the pass and retry from a fresh snapshot.
            nodesChanged = true
            return
        }
        snapshot = snap
        for job in started {
            jobs[job.id] = job
            holding.insert(job.id)
            for assignment in assignments(for: job) {
                enqueue(.assignment(assignment), to: job.ranks[assignment.task.rank].node, deliver: false)
            }
        }
        for name in Set(started.flatMap { $0.placement.map(\.node) }) { deliver(name) }
    }

    /// The assignments of every rank of a running job.
    func assignments(for job: JobRecord) -> [Assignment] {
        let masterAddress = nodes[job.placement[0].node]?.record.inventory.address ?? "127.0.0.1"
        var out: [Assignment] = []
        for (nodeRank, entry) in job.placement.enumerated() {
            for local in 0..<job.tasksPerNode {
                let rank = nodeRank * job.tasksPerNode + local
                let env = JobEnvironment.variables(
                    job, rank: rank, nodeRank: nodeRank, localRank: local, gpus: entry.gpus,
                    masterAddress: masterAddress, dataDir: config.dataDir)
                out.append(
                    Assignment(
                        task: TaskKey(jobID: job.id, epoch: job.epoch, rank: rank), name: job.request.name ?? "job",
                        argv: job.request.command, script: job.request.script, workdir: job.request.workdir,
                        env: env,
                        outputPath: JobEnvironment.outputPath(
                            job, rank: rank, node: entry.node, dataDir: config.dataDir),
                        timeLimit: job.request.timeLimit ?? config.defaultTimeLimit, grace: config.killGrace))
            }
        }
        return out
    }

    /// Tells every node where the job still has a live rank to stop it.
    func sendKills(_ job: JobRecord, reason: String) {
        var sent: Set<String> = []
        for rank in job.ranks where !rank.exited && !sent.contains(rank.node) {
            sent.insert(rank.node)
            enqueue(
                .kill(TaskKill(jobID: job.id, epoch: job.epoch, reason: reason, grace: config.killGrace)),
                to: rank.node)
        }
    }

    func enqueue(_ item: NodeEntry.Item, to node: String, deliver now: Bool = true) {
        guard nodes[node] != nil else { return }
        nodes[node]!.seq += 1
        nodes[node]!.outbox.append((nodes[node]!.seq, item))
        if now { deliver(node) }
    }

    /// Answers the node's waiting long-poll, if any, with everything unacknowledged.
    func deliver(_ node: String) {
        guard let entry = nodes[node], let waiter = entry.waiter, !entry.outbox.isEmpty else { return }
        nodes[node]!.waiter = nil
        waiter.continuation.resume(returning: entry.batch(instance: instance))
    }
}
