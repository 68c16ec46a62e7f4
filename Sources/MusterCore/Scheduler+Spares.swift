extension Scheduler {
    /// Restarts the gangs a failure interrupted (`SparePool.claims`) on their surviving nodes plus idle spares of
    /// the same leaf blocks (then of the same parent block), before anything else starts: the gang keeps its
    /// topology and does not queue (a failure that took no node down restarts it in place). A claim that cannot be met now, or whose job is not queued yet, is dropped
    /// (the job is scheduled as any other), except that a job still waiting out its requeue backoff keeps it.
    static func restartOnSpares(
        _ snapshot: inout Snapshot, now: Seconds, decisions: inout [Decision]
    ) {
        guard snapshot.spares?.claims.isEmpty == false else { return }
        for id in snapshot.spares!.claims.keys.sorted() {
            guard let job = snapshot.pending[id] else { continue }
            let old = snapshot.spares!.claims.removeValue(forKey: id)!
            guard let (placement, spares) = spareRestart(job, old: old, in: snapshot) else { continue }
            let admission = admit(job, in: snapshot)
            if case .refused = admission { continue }
            if snapshot.sharing?.power?.refusal(placement, in: snapshot.cluster) != nil { continue }
            for node in spares { snapshot.spares!.take(node, cluster: &snapshot.cluster) }
            snapshot.start(job, on: placement, at: now, borrowed: admission == .borrowing)
            snapshot.spares!.restarts += 1
            for node in spares {
                snapshot.spares!.refill(leaf: Int(snapshot.cluster.nodeBlock[Int(node)]), cluster: &snapshot.cluster)
            }
            snapshot.pending.remove(id)
            decisions.append(.start(id, placement))
        }
    }

    /// The placement of `job` on its old nodes that are free enough, then idle spares of its old leaf blocks, then
    /// of their parent blocks; and the spares it uses. Nil when they are not enough.
    static func spareRestart(_ job: PendingJob, old: [Int32], in snapshot: Snapshot) -> (Placement, [Int32])? {
        guard let pool = snapshot.spares else { return nil }
        let cluster = snapshot.cluster
        let perNode = job.shape.gpusPerNode
        var need = job.shape.nodes
        guard need > 0, perNode > 0, perNode <= cluster.maxGPUsPerNode else { return nil }
        var chosen: [(node: Int32, mask: UInt64)] = []
        var taken = Set<Int32>()
        func fits(_ n: Int) -> Bool {
            (job.model < 0 || Int(cluster.nodeModel[n]) == Int(job.model))
                && Int(cluster.freeCPUs[n]) >= job.cpusPerNode && Int(cluster.freeMemoryMiB[n]) >= job.memoryMiBPerNode
        }
        for node in old where need > 0 && node >= 0 && Int(node) < cluster.nodeCount {
            let n = Int(node)
            guard !pool.member[n], Int(cluster.freeGPUs[n]) >= perNode, fits(n), taken.insert(node).inserted else {
                continue
            }
            chosen.append((node, lowestBits(cluster.freeMask[n], count: perNode)))
            need -= 1
        }
        var spares: [Int32] = []
        // Where a spare takes a lost node's place best: the lost nodes' leaves, then their parent blocks; then the
        // leaves and parents of the nodes it kept.
        var blocks: [Int] = []
        var seen = Set<Int>()
        for keptOnly in [false, true] {
            var parents: [Int] = []
            for node in old where node >= 0 && Int(node) < cluster.nodeCount && taken.contains(node) == keptOnly {
                let leaf = Int(cluster.nodeBlock[Int(node)])
                guard blocks.last != leaf, seen.insert(leaf).inserted else { continue }
                blocks.append(leaf)
                let parent = Int(cluster.blockParent[leaf])
                if parent >= 0 && parent != cluster.root && seen.insert(parent).inserted { parents.append(parent) }
            }
            blocks += parents
        }
        for block in blocks where need > 0 {
            for n in Int(cluster.blockNodeStart[block])..<Int(cluster.blockNodeEnd[block]) where need > 0 {
                let node = Int32(n)
                guard pool.isIdle(node, in: cluster), Int(cluster.nodeGPUs[n]) >= perNode, fits(n),
                    taken.insert(node).inserted
                else { continue }
                chosen.append((node, lowestBits(cluster.capacityMask(n), count: perNode)))
                spares.append(node)
                need -= 1
            }
        }
        guard need == 0 else { return nil }
        chosen.sort { $0.node < $1.node }
        return (Placement(nodes: chosen.map(\.node), gpuMasks: chosen.map(\.mask)), spares)
    }

    /// Starts queued one-node jobs whose time limit is within `SparePolicy.lendLimit` on spares' idle GPUs, in
    /// queue order, looking at 64 jobs at most and stopping at the first that finds no spare.
    static func lendSpares(_ snapshot: inout Snapshot, now: Seconds, decisions: inout [Decision]) {
        guard let limit = snapshot.spares?.policy.lendLimit, limit > 0, snapshot.spares!.total > 0,
            !snapshot.pending.isEmpty
        else { return }
        var started: [JobID] = []
        var walk = PendingQueue.Walk()
        var looked = 0
        while looked < 64, let job = walk.next(in: snapshot.pending) {
            guard job.shape.nodes == 1, job.shape.gpusPerNode > 0, job.timeLimit <= limit else { continue }
            looked += 1
            let admission = admit(job, in: snapshot)
            if case .refused = admission { continue }
            guard let (node, mask) = spareToLend(job, in: snapshot) else { break }
            let placement = Placement(nodes: [node], gpuMasks: [mask])
            if snapshot.sharing?.power?.refusal(placement, in: snapshot.cluster) != nil { continue }
            snapshot.spares!.lend(mask, of: node, cluster: &snapshot.cluster)
            snapshot.start(job, on: placement, at: now, borrowed: admission == .borrowing)
            started.append(job.id)
            decisions.append(.start(job.id, placement))
        }
        for id in started { snapshot.pending.remove(id) }
    }

    /// A spare with enough held GPUs for one-node `job`, leaf by leaf, and the GPUs it would lend.
    static func spareToLend(_ job: PendingJob, in snapshot: Snapshot) -> (Int32, UInt64)? {
        guard let pool = snapshot.spares else { return nil }
        let cluster = snapshot.cluster
        let leaves = cluster.levelBlocks[0]
        for l in pool.count.indices where pool.count[l] > 0 {
            let leaf = leaves.lowerBound + l
            for n in Int(cluster.blockNodeStart[leaf])..<Int(cluster.blockNodeEnd[leaf]) where pool.member[n] {
                let held = pool.heldMask[n]
                guard held.nonzeroBitCount >= job.shape.gpusPerNode,
                    job.model < 0 || Int(cluster.nodeModel[n]) == Int(job.model),
                    Int(cluster.freeCPUs[n]) >= job.cpusPerNode, Int(cluster.freeMemoryMiB[n]) >= job.memoryMiBPerNode
                else { continue }
                return (Int32(n), lowestBits(held, count: job.shape.gpusPerNode))
            }
        }
        return nil
    }
}
