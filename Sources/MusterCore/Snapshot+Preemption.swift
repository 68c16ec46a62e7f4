extension Snapshot {
    /// Most running jobs (of preemptible classes) one victim search looks at, so that a preemption decision stays
    /// within microseconds on a million GPUs.
    public static let maxVictimScan = 4_096

    /// Whether running job `victim` may be preempted for pending job `job` (of class `jobClass`, `guaranteed`
    /// when it fits its team's unused guarantee) at `now`.
    ///
    /// A victim must be preemptible, past its class's minimum runtime, not stopping already, and not the job
    /// that preempted `job` last (no A-preempts-B-preempts-A). Then either it is of `job`'s own team and a lower
    /// class (and `job`'s class may preempt), or it is another team's borrowed job and `job` reclaims a guarantee
    /// or is of a higher class that may preempt. Another team's guaranteed job is never a victim, except that a
    /// service replica within its team's unused headroom (`TeamPolicy.headroom`) takes any preemptible job.
    func mayPreempt(
        _ victim: RunningJob, for job: PendingJob, jobClass: ClassPolicy, guaranteed: Bool, now: Seconds,
        sharing: SharingState
    ) -> Bool {
        guard !victim.stopping, victim.id != job.preemptedBy else { return false }
        let victimClass = sharing.classOf(victim.priority)
        guard victimClass.preemptible, Double(now) - Double(victim.startTime) >= victimClass.minRuntime else {
            return false
        }
        // A replica takes its team's headroom back from any preemptible job sitting on it.
        if job.service, sharing.headroomLeft(Int(job.team)) >= job.shape.gpus { return true }
        if victim.team == job.team { return jobClass.mayPreempt && victim.priority < job.priority }
        // A guarantee is reclaimed from what others borrow in its own ledger, or squat on of its model.
        let ledger = sharing.ledger(forModel: job.model)
        if guaranteed && ((victim.borrowed && victim.ledger == ledger) || (ledger >= 0 && victim.squats == ledger)) {
            return true
        }
        return victim.borrowed && jobClass.mayPreempt && victim.priority < job.priority
    }

    /// Frees one placement for `job` by preempting running jobs, if that lets it start now; nil otherwise (and
    /// nothing changes). The victims leave `running` and their GPUs are free; the caller starts `job` on the
    /// returned placement in the same pass, so no job is preempted for a start that does not happen.
    ///
    /// Victims are chosen to lose the least: lowest class first, then the least work since their last
    /// checkpoint, then the newest; those not needed in the end are kept running. The start must keep the power
    /// budgets once the victims' draw is gone, else nothing is preempted.
    ///
    /// Behind a standing reservation (`keeping`: its GPU masks by node), no job running on the reserved GPUs is a victim and the
    /// reservation stands: the caller holds the reserved free GPUs back, so the job starts off them and the
    /// reservation is not delayed.
    public mutating func preemptFor(
        _ job: PendingJob, admission: Admission, now: Seconds, keeping reserved: [Int32: UInt64]? = nil
    ) -> (
        victims: [RunningJob], placement: Placement, borrowed: Bool
    )? {
        guard let sharing, sharing.policy.preemption else { return nil }
        let jobClass = sharing.classOf(job.priority)
        let guaranteed = admission == .guaranteed
        let headroomClaim = job.service && sharing.headroomLeft(Int(job.team)) >= job.shape.gpus
        guard guaranteed || headroomClaim || jobClass.mayPreempt else { return nil }
        // Reclaiming a guarantee alone, the job can only take what other teams borrow in its ledger: with none
        // borrowed there (and no model ledger to squat on), no search.
        let team = Int(job.team)
        if !headroomClaim, !jobClass.mayPreempt, sharing.ledger(forModel: job.model) < 0, team >= 0,
            team < sharing.quotas.names.count, sharing.quotas.borrowedTotal == sharing.quotas.borrowedUse[team]
        {
            return nil
        }
        // Candidates: lowest class first, newest first, looking at no more than `maxVictimScan` running jobs and
        // stopping once they hold twice what the job needs (the exact order of loss is applied below).
        let needed = job.shape.gpus
        var candidates: [RunningJob] = []
        var reachable = cluster.freeTotal
        var scanned = 0
        for rank in running.ranks {
            guard guaranteed || headroomClaim || rank < job.priority, scanned < Self.maxVictimScan,
                reachable < 2 * needed + 64
            else {
                break
            }
            // A class that is never preempted holds no candidate: its jobs are not even looked at.
            guard sharing.classOf(rank).preemptible else { continue }
            running.forEachNewest(ofRank: rank) { victim in
                scanned += 1
                if mayPreempt(victim, for: job, jobClass: jobClass, guaranteed: guaranteed, now: now, sharing: sharing),
                    reserved.map({ r in
                        !victim.placement.nodes.indices.contains {
                            r[victim.placement.nodes[$0], default: 0] & victim.placement.gpuMasks[$0] != 0
                        }
                    }) ?? true
                {
                    candidates.append(victim)
                    reachable += victim.placement.gpuCount
                }
                return scanned < Self.maxVictimScan && reachable < 2 * needed + 64
            }
        }
        guard !candidates.isEmpty, reachable >= needed else { return nil }
        candidates.sort { a, b in
            if a.priority != b.priority { return a.priority < b.priority }
            let every = sharing.checkpointEvery
            let (la, lb) = (a.workLost(at: now, checkpointEvery: every), b.workLost(at: now, checkpointEvery: every))
            if la != lb { return la < lb }
            return a.startTime != b.startTime ? a.startTime > b.startTime : a.id > b.id
        }
        guard let (victims, placement) = fewestVictims(for: job, from: candidates) else { return nil }
        // Quotas with the victims gone: a borrowing job must still find enough lent.
        var after = sharing
        for victim in victims {
            after.account(victim, -1)
            after.power?.account(victim.placement, in: cluster, -1)
        }
        let admission = after.admit(job)
        // The start must also keep the power budgets, with the victims' draw gone.
        let overPower = after.power?.refusal(placement, in: cluster) != nil
        if case .refused = admission {
            for victim in victims {
                cluster.allocate(
                    victim.placement, cpusPerNode: victim.cpusPerNode, memoryMiBPerNode: victim.memoryMiBPerNode)
            }
            return nil
        }
        if overPower {
            for victim in victims {
                cluster.allocate(
                    victim.placement, cpusPerNode: victim.cpusPerNode, memoryMiBPerNode: victim.memoryMiBPerNode)
            }
            return nil
        }
        for victim in victims {
            running.remove(victim.id)
        }
        self.sharing = after
        if reserved == nil { reservation = nil }
        return (victims.sorted { $0.id < $1.id }, placement, admission == .borrowing)
    }

    /// Releases `candidates` in order until `job`'s gang fits, then keeps running every one the placement does
    /// not need, the costliest first. Returns the victims (their GPUs left free) and the placement, or nil with
    /// the cluster unchanged.
    mutating func fewestVictims(for job: PendingJob, from candidates: [RunningJob]) -> ([RunningJob], Placement)? {
        let needed = job.shape.gpus
        func fits() -> Bool {
            guard cluster.freeTotal >= needed else { return false }
            if job.shape.gpusPerNode > 0,
                cluster.nodesWithFree(atLeast: job.shape.gpusPerNode, in: cluster.root, model: job.gpuModel)
                    < job.shape.nodes
            {
                return false
            }
            return cluster.findPlacement(
                job.shape, cpusPerNode: job.cpusPerNode, memoryMiBPerNode: job.memoryMiBPerNode, model: job.gpuModel)
                != nil
        }
        var chosen: [RunningJob] = []
        var found = false
        for victim in candidates {
            cluster.release(
                victim.placement, cpusPerNode: victim.cpusPerNode, memoryMiBPerNode: victim.memoryMiBPerNode)
            chosen.append(victim)
            if fits() {
                found = true
                break
            }
        }
        // Keep running every victim the placement does not need, the costliest first.
        var victims: [RunningJob] = []
        for victim in chosen.reversed() {
            cluster.allocate(
                victim.placement, cpusPerNode: victim.cpusPerNode, memoryMiBPerNode: victim.memoryMiBPerNode)
            if found && !fits() {
                cluster.release(
                    victim.placement, cpusPerNode: victim.cpusPerNode, memoryMiBPerNode: victim.memoryMiBPerNode)
                victims.append(victim)
            }
        }
        guard found, !victims.isEmpty,
            let placement = cluster.findPlacement(
                job.shape, cpusPerNode: job.cpusPerNode, memoryMiBPerNode: job.memoryMiBPerNode, model: job.gpuModel)
        else {
            for victim in victims {
                cluster.allocate(
                    victim.placement, cpusPerNode: victim.cpusPerNode, memoryMiBPerNode: victim.memoryMiBPerNode)
            }
            return nil
        }
        return (victims, placement)
    }

    /// Preemption by the policy's own order (`srtf`, `las`): frees a placement for `job` from running jobs that
    /// come strictly after it (more time left; a lower LAS queue) and are not of a higher class, the furthest
    /// behind first. As `preemptFor`, nothing is preempted unless `job` then starts.
    public mutating func preemptByOrder(_ job: PendingJob, policy: SchedulingPolicy, now: Seconds) -> (
        victims: [RunningJob], placement: Placement
    )? {
        guard policy.preemptsByOrder else { return nil }
        let queue = SchedulingPolicy.lasQueue(job.attained)
        var candidates: [(RunningJob, Double)] = []
        var reachable = cluster.freeTotal
        for victim in running.byID.values
        where !victim.stopping && victim.id != job.preemptedBy && victim.priority <= job.priority {
            let behind: Double
            switch policy {
            case .srtf:
                let left = victim.remaining(at: now)
                guard left > job.remaining else { continue }
                behind = left
            default:
                let attained = victim.attained(at: now)
                guard SchedulingPolicy.lasQueue(attained) > queue else { continue }
                behind = attained
            }
            candidates.append((victim, behind))
            reachable += victim.placement.gpuCount
        }
        guard !candidates.isEmpty, reachable >= job.shape.gpus else { return nil }
        candidates.sort { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0.id > $1.0.id }
        guard let (victims, placement) = fewestVictims(for: job, from: candidates.map(\.0)) else { return nil }
        for victim in victims {
            running.remove(victim.id)
            sharing?.account(victim, -1)
            sharing?.power?.account(victim.placement, in: cluster, -1)
        }
        reservation = nil
        return (victims.sorted { $0.id < $1.id }, placement)
    }
}
