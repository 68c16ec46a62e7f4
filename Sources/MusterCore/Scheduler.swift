/// The scheduling core: given a snapshot and the time, decides which queued jobs start where.
///
/// Deterministic and free of I/O: the simulator and the controller are two shells around the same `plan`.
public struct Scheduler: Sendable {
    public var policy: SchedulingPolicy
    /// Jobs behind the reservation a backfill pass examines at most.
    public var backfillDepth: Int

    public init(policy: SchedulingPolicy, backfillDepth: Int = Scheduler.defaultBackfillDepth) {
        self.policy = policy
        self.backfillDepth = backfillDepth
    }

    /// The decisions for `snapshot` at `now`, leaving the snapshot as it was.
    public func plan(_ snapshot: Snapshot, now: Seconds) -> [Decision] {
        var copy = snapshot
        return plan(&copy, now: now)
    }

    /// The decisions for `snapshot` at `now`, applied to it: started jobs leave `pending` and join `running`,
    /// holding their GPUs. Shells that keep one snapshot alive (the simulator) use this to avoid copying it.
    /// - Complexity: O(q log q) to order q queued jobs, plus one placement per queued job at most (jobs whose
    ///   gang shape already failed in this pass are skipped in O(1)).
    public func plan(_ snapshot: inout Snapshot, now: Seconds) -> [Decision] {
        var reasons: [JobID: WaitReason]? = nil
        return plan(&snapshot, now: now, reasons: &reasons)
    }

    /// As `plan(_:now:)`; when `reasons` is not nil it receives why each job left in the queue did not start
    /// (the live controller's `muster why`; the simulator passes nil and pays nothing).
    public func plan(_ snapshot: inout Snapshot, now: Seconds, reasons: inout [JobID: WaitReason]?) -> [Decision] {
        guard !snapshot.pending.isEmpty else { return [] }
        var decisions: [Decision] = []
        if snapshot.spares != nil {
            Self.restartOnSpares(&snapshot, now: now, decisions: &decisions)
            guard !snapshot.pending.isEmpty else { return decisions }
        }
        order(&snapshot, now: now)
        var started: [JobID] = []
        switch policy {
        case .fifo, .priority:
            var blockedBy: JobID?
            var walk = PendingQueue.Walk()
            while let job = walk.next(in: snapshot.pending) {
                if let blockedBy {
                    reasons?[job.id] = .behind(job: blockedBy)
                    continue
                }
                let admission = Self.admit(job, in: snapshot)
                if case .refused(let why) = admission {
                    if Self.startByPreempting(
                        job, admission: admission, now: now, snapshot: &snapshot, decisions: &decisions)
                    {
                        started.append(job.id)
                        continue
                    }
                    reasons?[job.id] = Self.quotaReason(why, for: job, in: snapshot)
                    continue
                }
                if let why = snapshot.sharing?.headroomRefusal(job, free: snapshot.cluster.freeTotal) {
                    reasons?[job.id] = why
                    continue
                }
                guard
                    let placement = snapshot.cluster.findPlacement(
                        job.shape, cpusPerNode: job.cpusPerNode, memoryMiBPerNode: job.memoryMiBPerNode,
                        model: job.gpuModel)
                else {
                    if Self.startByPreempting(
                        job, admission: admission, now: now, snapshot: &snapshot, decisions: &decisions)
                    {
                        started.append(job.id)
                        continue
                    }
                    guard reasons != nil else { break }
                    reasons?[job.id] = snapshot.cluster.noRoom(job.shape)
                    blockedBy = job.id
                    continue
                }
                let (granted, why) = Self.withinPower(job, placement, in: &snapshot)
                guard let granted else {
                    guard reasons != nil else { break }
                    reasons?[job.id] = why
                    blockedBy = job.id
                    continue
                }
                snapshot.start(job, on: granted, at: now, borrowed: admission == .borrowing)
                started.append(job.id)
                decisions.append(.start(job.id, granted))
            }
        case .backfill, .sjf, .srtf, .las:
            var pass = BackfillPass(now: now, explain: reasons != nil, depth: backfillDepth, policy: policy)
            pass.run(snapshot: &snapshot, started: &started, decisions: &decisions)
            snapshot.backfillSkipped += pass.skipped
            if reasons != nil { reasons = pass.reasons }
        }
        for id in started { snapshot.pending.remove(id) }
        if snapshot.spares != nil { Self.lendSpares(&snapshot, now: now, decisions: &decisions) }
        return decisions
    }

    /// How many jobs behind the reservation a backfill pass examines at most, as Slurm's `bf_max_job_test`
    /// bounds its backfill scan: a pass's cost then grows with what can start, not with the queue.
    public static let defaultBackfillDepth = 500

    /// Gives queued jobs their place in this policy's order: fifo by submit time; priority and backfill by class,
    /// then submit time; with sharing, by class, then within-guarantee first, then multifactor priority (all
    /// keys recomputed each pass for queues up to 10,000 jobs, else every 60 s, as Slurm's `PriorityCalcPeriod`).
    func order(_ snapshot: inout Snapshot, now: Seconds) {
        if let sharing = snapshot.sharing, policy != .fifo {
            let all =
                snapshot.pending.count <= 10_000
                || now.subtractingReportingOverflow(snapshot.pending.orderedAt).partialValue >= 60
            let total = snapshot.cluster.totalGPUs
            snapshot.pending.order(all: all, kind: 3, at: now) { job in
                let guaranteed = sharing.admit(job) == .guaranteed
                return (
                    -Int64(job.priority) * 2 + (guaranteed ? 0 : 1), -sharing.priority(job, now: now, totalGPUs: total)
                )
            }
        } else if policy == .sjf || policy == .srtf || policy == .las {
            // Class first; then shortest time limit, least time left, or lowest LAS queue (FIFO within it).
            let kind: Int8 = policy == .sjf ? 4 : policy == .srtf ? 5 : 6
            snapshot.pending.order(all: false, kind: kind, at: now) { job in
                let key: Double =
                    switch policy {
                    case .sjf: Double(job.timeLimit)
                    case .srtf: job.remaining
                    default: Double(SchedulingPolicy.lasQueue(job.attained))
                    }
                return (-Int64(job.priority), key)
            }
        } else if policy == .fifo {
            snapshot.pending.order(all: false, kind: 1, at: now) { _ in (0, 0) }
        } else {
            snapshot.pending.order(all: false, kind: 2, at: now) { job in (-Int64(job.priority), 0) }
        }
    }

    /// What quotas say about `job` now (`guaranteed` without sharing).
    public static func admit(_ job: PendingJob, in snapshot: Snapshot) -> Admission {
        snapshot.sharing?.admit(job) ?? .guaranteed
    }

    /// Starts `job` by preempting running jobs if that frees a placement for it now (`Snapshot.preemptFor`):
    /// records a `preempt` per victim, then the `start`. False, and nothing changed, otherwise.
    /// Where `job` may start within the power budgets, given the `placement` found for it: the same, or, when a
    /// block would go over, another found with that block's free GPUs held back (up to 4 blocks); or why not.
    /// Leaves the cluster as it found it.
    static func withinPower(
        _ job: PendingJob, _ placement: Placement, in snapshot: inout Snapshot
    ) -> (placement: Placement?, refusal: WaitReason?) {
        guard let power = snapshot.sharing?.power else { return (placement, nil) }
        var held: [Placement] = []
        defer { for p in held.reversed() { snapshot.cluster.release(p) } }
        var candidate = placement
        var first: WaitReason?
        for _ in 0..<5 {
            guard let (block, reason) = power.refusal(candidate, in: snapshot.cluster) else {
                return (candidate, nil)
            }
            first = first ?? reason
            guard block != snapshot.cluster.root, held.count < 4 else { break }
            var nodes: [Int32] = []
            var masks: [UInt64] = []
            for node in Int(snapshot.cluster.blockNodeStart[block])..<Int(snapshot.cluster.blockNodeEnd[block])
            where snapshot.cluster.freeMask[node] != 0 {
                nodes.append(Int32(node))
                masks.append(snapshot.cluster.freeMask[node])
            }
            guard !nodes.isEmpty else { break }
            let hold = Placement(nodes: nodes, gpuMasks: masks)
            snapshot.cluster.allocate(hold)
            held.append(hold)
            guard
                let next = snapshot.cluster.findPlacement(
                    job.shape, cpusPerNode: job.cpusPerNode, memoryMiBPerNode: job.memoryMiBPerNode,
                    model: job.gpuModel)
            else { break }
            candidate = next
        }
        return (nil, first)
    }

    /// Why a quota keeps `job` waiting, naming the GPU model when its ledger is a model's.
    static func quotaReason(_ why: QuotaRefusal, for job: PendingJob, in snapshot: Snapshot) -> WaitReason {
        guard let ledger = snapshot.sharing?.ledger(forModel: job.model), ledger >= 0,
            Int(ledger) < snapshot.cluster.gpuModels.count
        else { return .overQuota(why) }
        return .overModelQuota(model: snapshot.cluster.gpuModels[Int(ledger)].name, .overQuota(why))
    }

    static func startByPreempting(
        _ job: PendingJob, admission: Admission, now: Seconds, snapshot: inout Snapshot, decisions: inout [Decision]
    ) -> Bool {
        guard snapshot.sharing != nil, let freed = snapshot.preemptFor(job, admission: admission, now: now) else {
            return false
        }
        for victim in freed.victims { decisions.append(.preempt(victim.id, by: job.id)) }
        snapshot.start(job, on: freed.placement, at: now, borrowed: freed.borrowed)
        decisions.append(.start(job.id, freed.placement))
        return true
    }
}
