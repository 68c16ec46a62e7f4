/// One EASY-backfill planning pass: start what fits in priority order; the first job that does not fit gets a
/// reservation (the earliest time and GPUs at which running jobs, ending by their time limits, leave room for it);
/// later jobs start only if they end before that time or stay off the reserved GPUs.
struct BackfillPass {
    let now: Seconds
    /// The head job's reservation: when, and which GPUs.
    private var reservedAt: Seconds = .max
    private var reserved: Placement? = nil
    /// Reserved GPUs that are free now, held back from jobs that would still run at `reservedAt`.
    private var blocker: Placement? = nil
    /// Gang shapes that already failed this pass (the cluster only fills up during a pass), for long and short jobs.
    private var failedLong: [PendingQueue.Shape] = []
    private var failedShort: [PendingQueue.Shape] = []
    /// Whether to say why each job that did not start waits (`reasons`).
    let explain: Bool
    private(set) var reasons: [JobID: WaitReason] = [:]
    private var reservedFor: JobID = 0

    init(
        now: Seconds, explain: Bool = false, depth: Int = Scheduler.defaultBackfillDepth,
        policy: SchedulingPolicy = .backfill
    ) {
        self.now = now
        self.explain = explain
        self.depth = max(1, depth)
        self.policy = policy
    }

    /// The policy whose order the pass follows (`srtf` and `las` also preempt by it).
    let policy: SchedulingPolicy

    /// Jobs examined after the reservation was made; the pass stops there (`depth`).
    private var examinedBehind = 0
    private var stepsBehind = 0
    /// How many jobs behind the reservation a pass examines at most (Slurm's `bf_max_job_test`).
    let depth: Int
    /// Jobs the pass left unexamined because of `depth`.
    private(set) var skipped = 0

    mutating func run(snapshot: inout Snapshot, started: inout [JobID], decisions: inout [Decision]) {
        // With quotas, the standing reservation's job goes first unless a higher class is queued (see
        // `Scheduler.reservationFirst`).
        var holder: PendingJob?
        var holderID: JobID?
        if snapshot.sharing != nil, let id = snapshot.reservation?.jobID, let job = snapshot.pending[id],
            let first = snapshot.pending.first, first.priority <= job.priority
        {
            holder = job
            holderID = id
        }
        var walk = PendingQueue.Walk()
        var examined = 0
        // Behind the reservation (unless explaining every job), jobs come from the per-shape queues merged in
        // order, and a shape that failed both as a long and as a short job is dropped whole: the pass's cost
        // then grows with the shapes and the jobs that may start, not with the queue.
        var merged: MergedShapes?
        var before: Set<JobID> = []
        // With preemption on, a job within its team's guarantee behind the reservation may still reclaim GPUs
        // its team lent, off the reserved GPUs; shapes are then not dropped whole, nor does a full cluster end
        // the pass.
        let reclaims = snapshot.sharing?.policy.preemption == true
        pass: while true {
            let job: PendingJob
            if let h = holder {
                job = h
                holder = nil
            } else if reserved != nil && !explain {
                if merged == nil { merged = MergedShapes(snapshot.pending) }
                // A shape is dead when it failed as a long job and either failed as a short one or has only long
                // jobs, or when it needs more GPUs than are free (reserved ones included): the cluster only fills
                // up during a pass without reclaims.
                let (failedLong, failedShort, now, reservedAt) = (self.failedLong, self.failedShort, now, reservedAt)
                let freeNow = snapshot.cluster.freeTotal + (blocker == nil ? 0 : reservedFreeNow(snapshot.cluster))
                guard
                    let next = merged!.next(
                        in: snapshot.pending, skipping: before,
                        dead: { shape, shortest in
                            guard !reclaims else { return false }
                            if shape.nodes * shape.gpusPerNode > freeNow { return true }
                            guard failedLong.contains(where: { $0.dominates(shape) }) else { return false }
                            let allLong = now.addingReportingOverflow(shortest).overflow || now + shortest > reservedAt
                            return allLong || failedShort.contains { $0.dominates(shape) }
                        })
                else { break }
                job = next
            } else {
                guard let next = walk.next(in: snapshot.pending) else { break }
                if next.id == holderID { continue }
                job = next
            }
            if reserved == nil { before.insert(job.id) }
            examined += 1
            let key = PendingQueue.Shape(job)
            if reserved != nil {
                // A job whose shape already failed (as long or as short, as it is) is passed over in O(1) and
                // does not count against the depth; the walk itself stops after 6 times the depth.
                stepsBehind += 1
                let shortJob =
                    !now.addingReportingOverflow(job.timeLimit).overflow && now + job.timeLimit <= reservedAt
                let passedOver =
                    !explain && (shortJob ? failedShort : failedLong).contains { $0.dominates(key) }
                    && (!reclaims || failedReclaim.contains { $0.team == job.team && $0.shape.dominates(key) })
                if !passedOver { examinedBehind += 1 }
                if examinedBehind > depth || stepsBehind > 6 * depth {
                    skipped = snapshot.pending.count - (examined - 1)
                    if explain {
                        reasons[job.id] = .beyondBackfillDepth(depth)
                        while let rest = walk.next(in: snapshot.pending) {
                            reasons[rest.id] = .beyondBackfillDepth(depth)
                        }
                    }
                    break
                }
            }
            var admission = Scheduler.admit(job, in: snapshot)
            if case .refused(let why) = admission {
                if snapshot.reservation?.jobID == job.id {
                    // A reservation is honoured whatever the quota state: it starts on what it was promised.
                    admission = .borrowing
                } else {
                    // It may still start by preempting lower classes of its own team, if first in line.
                    if reserved == nil,
                        Scheduler.startByPreempting(
                            job, admission: admission, now: now, snapshot: &snapshot, decisions: &decisions)
                    {
                        started.append(job.id)
                        continue
                    }
                    if explain { reasons[job.id] = Scheduler.quotaReason(why, for: job, in: snapshot) }
                    continue
                }
            }
            if let why = snapshot.sharing?.headroomRefusal(job, free: snapshot.cluster.freeTotal) {
                if explain { reasons[job.id] = why }
                continue
            }
            let borrowed = admission == .borrowing
            if reserved == nil {
                if let placement = snapshot.cluster.findPlacement(
                    job.shape, cpusPerNode: job.cpusPerNode, memoryMiBPerNode: job.memoryMiBPerNode, model: job.gpuModel
                ) {
                    if start(job, placement, borrowed: borrowed, &snapshot, &started, &decisions),
                        snapshot.reservation?.jobID == job.id
                    {
                        snapshot.reservation = nil
                    }
                    continue
                }
                // Before any reservation, a job may preempt as the head (behind one, only `reclaim`).
                if Scheduler.startByPreempting(
                    job, admission: admission, now: now, snapshot: &snapshot, decisions: &decisions)
                {
                    started.append(job.id)
                    continue
                }
                if policy.preemptsByOrder, let freed = snapshot.preemptByOrder(job, policy: policy, now: now) {
                    for victim in freed.victims { decisions.append(.preempt(victim.id, by: job.id)) }
                    snapshot.start(job, on: freed.placement, at: now, borrowed: borrowed)
                    started.append(job.id)
                    decisions.append(.start(job.id, freed.placement))
                    continue
                }
                let at: Seconds
                let placement: Placement
                if var cached = snapshot.reservation, cached.jobID == job.id, cached.at > now,
                    cached.reuses < Reservation.maxReuses
                {
                    cached.reuses += 1
                    snapshot.reservation = cached
                    (at, placement) = (cached.at, cached.placement)
                } else {
                    guard let fresh = reservation(for: job, in: &snapshot) else {
                        snapshot.reservation = nil
                        if explain { reasons[job.id] = .tooLargeForNodesUp(needs: job.shape) }
                        continue
                    }
                    (at, placement) = fresh
                    snapshot.reservation = Reservation(jobID: job.id, at: at, placement: placement)
                }
                reservedAt = at
                reserved = placement
                reservedFor = job.id
                if explain { reasons[job.id] = .reserved(at: at) }
                decisions.append(.reserve(job.id, at: at, placement))
                reservedFreeCache = nil
                reservedLostCache = nil
                reservedIndex = snapshot.reservation?.gpusByNode
                continue
            }
            behind: do {
                // Reserved GPUs are held back (`block`) only when a job might fit outside them: counting them is
                // cheap, holding them back touches every reserved node.
                // Explaining (the live controller), the reserved GPUs are held back as before, so that reasons count
                // them as taken.
                if explain && blocker == nil { block(&snapshot.cluster) }
                let reservedFree = reservedFreeNow(snapshot.cluster)
                let freeAll = snapshot.cluster.freeTotal + (blocker == nil ? 0 : reservedFree)
                if freeAll == 0 {
                    guard explain || reclaims else { break pass }
                    if explain { reasons[job.id] = snapshot.cluster.noRoom(job.shape) }
                    break behind
                }
                let short = !now.addingReportingOverflow(job.timeLimit).overflow && now + job.timeLimit <= reservedAt
                let failed = short ? failedShort : failedLong
                if failed.contains(where: { $0.dominates(key) }) {
                    if explain {
                        reasons[job.id] = waitReason(
                            job, short: short, reservedFree: reservedFree, freeAll: freeAll, snapshot.cluster)
                    }
                    break behind
                }
                if freeAll - reservedFree >= job.shape.gpus {
                    // Holding the reserved GPUs back touches every reserved node, so it is put off: a one-node job
                    // first takes the best node's GPUs that are not reserved (most fit there), and a job for which
                    // too few nodes have room once the reserved GPUs are counted out fails without it.
                    var found: Placement? = nil
                    if blocker == nil, job.shape.nodes == 1, reservedFree > 0,
                        let placement = snapshot.cluster.findPlacement(
                            job.shape, cpusPerNode: job.cpusPerNode, memoryMiBPerNode: job.memoryMiBPerNode,
                            model: job.gpuModel)
                    {
                        let node = placement.nodes[0]
                        let open = snapshot.cluster.freeMask[Int(node)] & ~reservedGPUs()[node, default: 0]
                        if open.nonzeroBitCount >= job.shape.gpusPerNode {
                            found = Placement(nodes: [node], gpuMasks: [lowestBits(open, count: job.shape.gpusPerNode)])
                        }
                    }
                    let gpn = job.shape.gpusPerNode
                    if found == nil,
                        blocker != nil || gpn == 0
                            || snapshot.cluster.nodesWithFree(atLeast: gpn, in: snapshot.cluster.root)
                                - reservedNodesLost(atLeast: gpn, snapshot.cluster) >= job.shape.nodes
                    {
                        if blocker == nil { block(&snapshot.cluster) }
                        found = snapshot.cluster.findPlacement(
                            job.shape, cpusPerNode: job.cpusPerNode, memoryMiBPerNode: job.memoryMiBPerNode,
                            model: job.gpuModel)
                    }
                    if var placement = found, let power = snapshot.sharing?.power,
                        power.refusal(placement, in: snapshot.cluster) != nil
                    {
                        // Another placement must stay off the reserved GPUs too: hold them back first.
                        if blocker == nil {
                            block(&snapshot.cluster)
                            guard
                                let again = snapshot.cluster.findPlacement(
                                    job.shape, cpusPerNode: job.cpusPerNode,
                                    memoryMiBPerNode: job.memoryMiBPerNode, model: job.gpuModel)
                            else {
                                if explain { reasons[job.id] = power.refusal(placement, in: snapshot.cluster)?.reason }
                                continue
                            }
                            placement = again
                        }
                        let (granted, why) = Scheduler.withinPower(job, placement, in: &snapshot)
                        found = granted
                        if granted == nil {
                            if explain { reasons[job.id] = why }
                            continue
                        }
                    }
                    if let placement = found {
                        if blocker == nil && placement.nodes.count == 1 {
                            // Off the reserved GPUs on one node: only that node's count of lost nodes changes.
                            let node = placement.nodes[0]
                            countLost(node, -1, snapshot.cluster)
                            snapshot.start(job, on: placement, at: now, borrowed: borrowed)
                            countLost(node, 1, snapshot.cluster)
                        } else {
                            snapshot.start(job, on: placement, at: now, borrowed: borrowed)
                            reservedFreeCache = nil
                            reservedLostCache = nil
                        }
                        started.append(job.id)
                        decisions.append(.start(job.id, placement))
                        continue
                    }
                }
                failedLong.append(key)
                guard short, reservedFree > 0 else {
                    if short { failedShort.append(key) }
                    if explain {
                        reasons[job.id] = waitReason(
                            job, short: short, reservedFree: reservedFree, freeAll: freeAll, snapshot.cluster)
                    }
                    break behind
                }
                // A job that ends before the reservation may also use the reserved GPUs.
                unblock(&snapshot.cluster)
                if let placement = snapshot.cluster.findPlacement(
                    job.shape, cpusPerNode: job.cpusPerNode, memoryMiBPerNode: job.memoryMiBPerNode, model: job.gpuModel
                ) {
                    if start(job, placement, borrowed: borrowed, &snapshot, &started, &decisions) {
                        reservedFreeCache = nil
                        reservedLostCache = nil
                    }
                    continue
                } else {
                    failedShort.append(key)
                    if explain {
                        reasons[job.id] = waitReason(
                            job, short: true, reservedFree: reservedFree, freeAll: freeAll, snapshot.cluster)
                    }
                }
            }
            // The job waits, unless it reclaims its team's guarantee off the reserved GPUs.
            if reclaims, admission == .guaranteed,
                !failedReclaim.contains(where: { $0.team == job.team && $0.shape.dominates(key) })
            {
                if reclaim(job, snapshot: &snapshot, decisions: &decisions) {
                    started.append(job.id)
                    continue
                }
                failedReclaim.append((job.team, key))
            }
        }
        unblock(&snapshot.cluster)
    }

    /// Starts `job` on `placement`, or on another within the power budgets (`Scheduler.withinPower`); false, with
    /// the reason when explaining, when the budgets keep it waiting.
    private mutating func start(
        _ job: PendingJob, _ placement: Placement, borrowed: Bool, _ snapshot: inout Snapshot,
        _ started: inout [JobID], _ decisions: inout [Decision]
    ) -> Bool {
        let (granted, why) = Scheduler.withinPower(job, placement, in: &snapshot)
        guard let granted else {
            if explain { reasons[job.id] = why }
            return false
        }
        snapshot.start(job, on: granted, at: now, borrowed: borrowed)
        started.append(job.id)
        decisions.append(.start(job.id, granted))
        return true
    }

    /// Shapes of teams whose reclaim behind the reservation already failed this pass.
    private var failedReclaim: [(team: Int32, shape: PendingQueue.Shape)] = []
    /// The reserved GPUs by node, for victim searches behind the reservation.
    private var reservedIndex: [Int32: UInt64]?

    /// The reserved GPUs by node (kept with the reservation, so built once for all the passes that reuse it).
    private func reservedGPUs() -> [Int32: UInt64] {
        reservedIndex ?? [:]
    }

    /// Starts guaranteed `job` behind the reservation by preempting GPUs lent by its team (or its own lower
    /// classes), none of them reserved: the reserved free GPUs are held back, so the reservation keeps its time.
    private mutating func reclaim(_ job: PendingJob, snapshot: inout Snapshot, decisions: inout [Decision]) -> Bool {
        guard reserved != nil else { return false }
        let index = reservedGPUs()
        if blocker == nil { block(&snapshot.cluster) }
        guard let freed = snapshot.preemptFor(job, admission: .guaranteed, now: now, keeping: index) else {
            return false
        }
        for victim in freed.victims { decisions.append(.preempt(victim.id, by: job.id)) }
        snapshot.start(job, on: freed.placement, at: now, borrowed: freed.borrowed)
        decisions.append(.start(job.id, freed.placement))
        reservedFreeCache = nil
        reservedLostCache = nil
        return true
    }

    /// `lost[k]`: reserved nodes with at least `k` free GPUs but fewer than `k` once the reserved ones are held
    /// back; counted once per change of the cluster.
    private var reservedLostCache: [Int32]?

    /// How many nodes with at least `k` free GPUs would not have them with the reserved GPUs held back.
    private mutating func reservedNodesLost(atLeast k: Int, _ cluster: Cluster) -> Int {
        if reservedLostCache == nil, let reserved {
            var lost = [Int32](repeating: 0, count: cluster.maxGPUsPerNode + 2)
            for i in reserved.nodes.indices {
                let free = cluster.freeMask[Int(reserved.nodes[i])]
                let (all, open) = (free.nonzeroBitCount, (free & ~reserved.gpuMasks[i]).nonzeroBitCount)
                // Counted for every k in (open, all].
                if all > open {
                    lost[open + 1] += 1
                    lost[all + 1] -= 1
                }
            }
            for j in 1..<lost.count { lost[j] += lost[j - 1] }
            reservedLostCache = lost
        }
        return Int(reservedLostCache?[k] ?? 0)
    }

    /// Adds (`sign` 1) or takes out (-1) `node`'s part of `reservedLostCache`.
    private mutating func countLost(_ node: Int32, _ sign: Int32, _ cluster: Cluster) {
        guard reservedLostCache != nil, let mask = reservedGPUs()[node] else { return }
        let free = cluster.freeMask[Int(node)]
        let (all, open) = (free.nonzeroBitCount, (free & ~mask).nonzeroBitCount)
        guard all > open else { return }
        for k in (open + 1)...all { reservedLostCache![k] += sign }
    }

    /// Free GPUs of the reservation now (held back or not), counted once per change of the cluster.
    private var reservedFreeCache: Int?

    private mutating func reservedFreeNow(_ cluster: Cluster) -> Int {
        if let cached = reservedFreeCache { return cached }
        var count = 0
        if let blocker {
            count = blocker.gpuCount
        } else if let reserved {
            for i in reserved.nodes.indices {
                count += (reserved.gpuMasks[i] & cluster.freeMask[Int(reserved.nodes[i])]).nonzeroBitCount
            }
        }
        reservedFreeCache = count
        return count
    }

    /// Why a job behind the reservation finds no room: a long job that might fit on the reserved GPUs would
    /// delay the reservation; otherwise there is no room (with the reserved GPUs counted as taken).
    private func waitReason(
        _ job: PendingJob, short: Bool, reservedFree: Int, freeAll: Int, _ cluster: Cluster
    ) -> WaitReason {
        if !short, reservedFree > 0, freeAll >= job.shape.gpus {
            return .wouldDelay(job: reservedFor, at: reservedAt)
        }
        return cluster.noRoom(job.shape)
    }

    /// Holds back the reserved GPUs that are free now.
    private mutating func block(_ cluster: inout Cluster) {
        guard let reserved else { return }
        var nodes: [Int32] = []
        var masks: [UInt64] = []
        for i in reserved.nodes.indices {
            let mask = reserved.gpuMasks[i] & cluster.freeMask[Int(reserved.nodes[i])]
            if mask != 0 {
                nodes.append(reserved.nodes[i])
                masks.append(mask)
            }
        }
        guard !nodes.isEmpty else { return }
        let placement = Placement(nodes: nodes, gpuMasks: masks)
        cluster.allocate(placement)
        blocker = placement
    }

    private mutating func unblock(_ cluster: inout Cluster) {
        guard let held = blocker else { return }
        cluster.release(held)
        blocker = nil
    }

    /// The earliest time and GPUs at which `job` fits, releasing running jobs in order of expected end.
    /// Leaves the cluster as it found it.
    private func reservation(for job: PendingJob, in snapshot: inout Snapshot) -> (Seconds, Placement)? {
        var released: [RunningJob] = []
        var result: (Seconds, Placement)? = nil
        let needed = job.shape.gpus
        snapshot.running.forEachByEnd { running in
            snapshot.cluster.release(
                running.placement, cpusPerNode: running.cpusPerNode, memoryMiBPerNode: running.memoryMiBPerNode)
            released.append(running)
            guard snapshot.cluster.freeTotal >= needed,
                job.shape.gpusPerNode == 0
                    || snapshot.cluster.nodesWithFree(
                        atLeast: job.shape.gpusPerNode, in: snapshot.cluster.root, model: job.gpuModel)
                        >= job.shape.nodes
            else { return true }
            if let placement = snapshot.cluster.findPlacement(
                job.shape, cpusPerNode: job.cpusPerNode, memoryMiBPerNode: job.memoryMiBPerNode, model: job.gpuModel)
            {
                result = (max(running.expectedEnd, now), placement)
                return false
            }
            return true
        }
        for running in released.reversed() {
            snapshot.cluster.allocate(
                running.placement, cpusPerNode: running.cpusPerNode, memoryMiBPerNode: running.memoryMiBPerNode)
        }
        return result
    }
}

/// The per-shape queues of a `PendingQueue` walked as one, in the queue's order; shapes found dead are dropped.
struct MergedShapes {
    private var shapes: [PendingQueue.Shape] = []
    /// One shape's queue (read once: the queue does not change during a pass) and the walk over it, boxed so
    /// that advancing a walk retains one reference rather than copying a queue and each of its arrays.
    private final class ShapeWalk {
        let queue: PendingQueue
        var walk = PendingQueue.Walk()
        init(_ queue: PendingQueue) { self.queue = queue }
        func next() -> (job: PendingJob, key: PendingQueue.Key)? { walk.nextKeyed(in: queue) }
    }
    private var walks: [ShapeWalk] = []
    private var heads: [(job: PendingJob, key: PendingQueue.Key)?] = []
    /// Indices of shapes with a head, a min-heap by head key.
    private var frontier = IndexHeap()

    init(_ queue: PendingQueue) {
        for (shape, sub) in queue.byShape {
            let walk = ShapeWalk(sub)
            let head = walk.next()
            shapes.append(shape)
            walks.append(walk)
            heads.append(head)
            if head != nil { push(shapes.count - 1) }
        }
    }

    /// The next job in order among live shapes, skipping `seen`.
    mutating func next(
        in queue: PendingQueue, skipping seen: Set<JobID>, dead: (PendingQueue.Shape, Seconds) -> Bool
    ) -> PendingJob? {
        while let top = popMin() {
            if dead(shapes[top], walks[top].queue.shortestTimeLimit) { continue }
            guard let head = heads[top] else { continue }
            heads[top] = walks[top].next()
            if heads[top] != nil { push(top) }
            if seen.contains(head.job.id) { continue }
            return head.job
        }
        return nil
    }

    private mutating func push(_ shape: Int) {
        let heads = self.heads
        frontier.push(Int32(shape)) { PendingQueue.Key.before(heads[Int($0)]!.key, heads[Int($1)]!.key) }
    }

    private mutating func popMin() -> Int? {
        let heads = self.heads
        return frontier.popMin { PendingQueue.Key.before(heads[Int($0)]!.key, heads[Int($1)]!.key) }.map(Int.init)
    }
}
