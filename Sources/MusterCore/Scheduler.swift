/// The scheduling core: given a snapshot and the time, decides which queued jobs start where.
///
/// Deterministic and free of I/O: the simulator and the controller are two shells around the same `plan`.
public struct Scheduler: Sendable {
    public var policy: SchedulingPolicy

    public init(policy: SchedulingPolicy) {
        self.policy = policy
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
        var order = queueOrder(
            snapshot.pending, now: now, sharing: snapshot.sharing, totalGPUs: snapshot.cluster.totalGPUs)
        if policy == .backfill, snapshot.sharing != nil { Self.reservationFirst(&order, snapshot) }
        var decisions: [Decision] = []
        var started: [Bool] = Array(repeating: false, count: snapshot.pending.count)
        switch policy {
        case .fifo, .priority:
            var blockedBy: JobID?
            for index in order {
                let job = snapshot.pending[index]
                if let blockedBy {
                    reasons?[job.id] = .behind(job: blockedBy)
                    continue
                }
                let admission = Self.admit(job, in: snapshot)
                if case .refused(let why) = admission {
                    if Self.startByPreempting(
                        job, admission: admission, now: now, snapshot: &snapshot, decisions: &decisions)
                    {
                        started[index] = true
                        continue
                    }
                    reasons?[job.id] = .overQuota(why)
                    continue
                }
                guard
                    let placement = snapshot.cluster.findPlacement(
                        job.shape, cpusPerNode: job.cpusPerNode, memoryMiBPerNode: job.memoryMiBPerNode)
                else {
                    if Self.startByPreempting(
                        job, admission: admission, now: now, snapshot: &snapshot, decisions: &decisions)
                    {
                        started[index] = true
                        continue
                    }
                    guard reasons != nil else { break }
                    reasons?[job.id] = snapshot.cluster.noRoom(job.shape)
                    blockedBy = job.id
                    continue
                }
                snapshot.start(job, on: placement, at: now, borrowed: admission == .borrowing)
                started[index] = true
                decisions.append(.start(job.id, placement))
            }
        case .backfill:
            var pass = BackfillPass(now: now, explain: reasons != nil)
            pass.run(order: order, snapshot: &snapshot, started: &started, decisions: &decisions)
            if reasons != nil { reasons = pass.reasons }
        }
        if decisions.contains(where: { if case .start = $0 { true } else { false } }) {
            var kept: [PendingJob] = []
            kept.reserveCapacity(snapshot.pending.count)
            for (i, job) in snapshot.pending.enumerated() where !started[i] { kept.append(job) }
            snapshot.pending = kept
        }
        return decisions
    }

    /// Moves the job holding the standing reservation ahead of the jobs of its class or lower: with quotas, a
    /// job skipped for its team's quota can become startable later, and must not take GPUs promised to a job
    /// behind it. Only a higher class may still delay a reservation.
    static func reservationFirst(_ order: inout [Int], _ snapshot: Snapshot) {
        guard let reserved = snapshot.reservation?.jobID,
            let p = order.firstIndex(where: { snapshot.pending[$0].id == reserved })
        else { return }
        let rank = snapshot.pending[order[p]].priority
        guard let q = order[..<p].firstIndex(where: { snapshot.pending[$0].priority <= rank }) else { return }
        let moved = order.remove(at: p)
        order.insert(moved, at: q)
    }

    /// What quotas say about `job` now (`guaranteed` without sharing).
    static func admit(_ job: PendingJob, in snapshot: Snapshot) -> Admission {
        snapshot.sharing?.quotas.admit(Int(job.team), gpus: job.shape.gpus) ?? .guaranteed
    }

    /// Starts `job` by preempting running jobs if that frees a placement for it now (`Snapshot.preemptFor`):
    /// records a `preempt` per victim, then the `start`. False, and nothing changed, otherwise.
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

    /// Indices of `pending` in the order this policy serves them at `now`: with sharing, by multifactor priority
    /// (class, fair share, age, size), then age and id.
    func queueOrder(_ pending: [PendingJob], now: Seconds = 0, sharing: SharingState? = nil, totalGPUs: Int = 0)
        -> [Int]
    {
        if let sharing, policy != .fifo {
            let priority = pending.map { sharing.priority($0, now: now, totalGPUs: totalGPUs) }
            // Within a class, jobs that fit their team's unused guarantee go before jobs that would borrow, as
            // Kueue admits within nominal quota first: a team below its guarantee reaches the head (and reclaims).
            let guaranteed = pending.map { sharing.quotas.admit(Int($0.team), gpus: $0.shape.gpus) == .guaranteed }
            return pending.indices.sorted { a, b in
                let (x, y) = (pending[a], pending[b])
                if x.priority != y.priority { return x.priority > y.priority }
                if guaranteed[a] != guaranteed[b] { return guaranteed[a] }
                if priority[a] != priority[b] { return priority[a] > priority[b] }
                return x.submitTime != y.submitTime ? x.submitTime < y.submitTime : x.id < y.id
            }
        }
        switch policy {
        case .fifo:
            return pending.indices.sorted { a, b in
                let x = pending[a]
                let y = pending[b]
                return x.submitTime != y.submitTime ? x.submitTime < y.submitTime : x.id < y.id
            }
        case .priority, .backfill:
            return pending.indices.sorted { a, b in
                let x = pending[a]
                let y = pending[b]
                if x.priority != y.priority { return x.priority > y.priority }
                return x.submitTime != y.submitTime ? x.submitTime < y.submitTime : x.id < y.id
            }
        }
    }
}
