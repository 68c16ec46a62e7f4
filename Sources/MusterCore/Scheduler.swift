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
        let order = queueOrder(snapshot.pending)
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
                guard
                    let placement = snapshot.cluster.findPlacement(
                        job.shape, cpusPerNode: job.cpusPerNode, memoryMiBPerNode: job.memoryMiBPerNode)
                else {
                    guard reasons != nil else { break }
                    reasons?[job.id] = snapshot.cluster.noRoom(job.shape)
                    blockedBy = job.id
                    continue
                }
                snapshot.start(job, on: placement, at: now)
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

    /// Indices of `pending` in the order this policy serves them.
    func queueOrder(_ pending: [PendingJob]) -> [Int] {
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
