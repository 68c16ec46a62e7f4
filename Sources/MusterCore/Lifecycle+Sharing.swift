extension Lifecycle {
    // MARK: Policy

    /// Puts `policy` in force for lookups (classes, team names, fair share); the snapshot follows at its next
    /// rebuild.
    mutating func useSharing(_ policy: SharingPolicy?) {
        sharing = policy
        guard let policy else {
            teamTable = nil
            return
        }
        let table = Quotas(policy: policy, totalGPUs: 0)
        var next = FairShare(teams: table.names.count, halfLife: policy.weights.halfLife)
        // Past use follows each team by name across a reload.
        if let old = teamTable {
            var usage = next.usage
            for (i, name) in old.names.enumerated() where i < fairShare.usage.count {
                if let j = table.names.firstIndex(of: name) { usage[j] = fairShare.usage[i] }
            }
            next.restore(usage: usage, time: fairShare.time)
        }
        fairShare = next
        teamTable = table
    }

    /// Past use rebuilt from the stored jobs after a restart: each job's latest attempt, from its start to its end
    /// (or `now`), decayed from its end. Earlier attempts of requeued jobs are not stored and do not count. With
    /// `endedUse` (the store's sums, when ended jobs are not loaded), ended jobs count from it and only the
    /// active ones from memory.
    mutating func recountFairShare(now: Double, endedUse: [EndedUse]? = nil) {
        guard let teamTable, now.isFinite else { return }
        var usage = Array(repeating: 0.0, count: teamTable.names.count)
        let halfLife = fairShare.halfLife
        for use in endedUse ?? [] where use.end.isFinite && use.gpuSeconds.isFinite && use.gpuSeconds > 0 {
            let t = teamTable.team(named: use.team)
            guard t < usage.count else { continue }
            usage[t] += use.gpuSeconds * Double.power2(-max(0, now - use.end) / halfLife)
        }
        for job in jobs.values where endedUse == nil || !job.state.isTerminal {
            guard let start = job.attempt?.startedAt, start.isFinite else { continue }
            let end = min(now, job.endTime.flatMap { $0.isFinite ? $0 : nil } ?? now)
            guard end > start else { continue }
            let t = teamTable.team(named: job.spec.team)
            guard t < usage.count else { continue }
            usage[t] += Double(job.shape.gpus) * (end - start) * Double.power2(-(now - end) / halfLife)
        }
        fairShare.restore(usage: usage, time: now)
    }

    /// Teams' use up to `time` counts in fair share (before the GPUs held change: a start or a release).
    mutating func accrueFairShare(at time: Double) {
        guard let held = snapshot?.sharing?.held else { return }
        fairShare.advance(to: time, held: held)
    }

    /// The simulator's model of checkpoints: every running job checkpoints every `seconds` since its start.
    public mutating func assumeCheckpoints(every seconds: Seconds) {
        snapshot?.sharing?.checkpointEvery = seconds > 0 ? seconds : nil
    }

    /// Replaces the classes, teams and weights in force (`muster admin reload`, SIGHUP). Jobs keep their class
    /// by rank; the quotas are recounted from the jobs running now at the next planning pass.
    public mutating func reload(sharing policy: SharingPolicy) -> [Directive] {
        useSharing(policy)
        if isStatic {
            if let cluster = snapshot?.cluster { snapshot?.sharing = SharingState(policy: policy, cluster: cluster) }
        } else {
            // At once: readers (`teamReport`) must never see the new teams with the old quotas.
            rebuildSnapshot()
        }
        return [.wake]
    }

    /// `spec` with its class resolved to one of the classes in force (by name or alias), and its team checked.
    func resolveSharing(_ spec: JobSpec) throws(LifecycleError) -> JobSpec {
        guard let sharing else { return spec }
        var spec = spec
        guard let c = sharing.classNamed(spec.priority.name) else {
            throw .invalid(
                field: "priority", "no class \"\(spec.priority.name)\"; the classes are \(sharing.classNames)")
        }
        if spec.priority.name != c.name || spec.priority.rank != c.rank {
            spec.priority = PriorityClass(name: c.name, rank: c.rank)
        }
        if !isStatic, !sharing.teams.isEmpty, let teamTable, !teamTable.knows(spec.team) {
            throw .invalid(
                field: "team", "no team \"\(spec.team)\"; muster teams lists them (\(sharing.teamNames))")
        }
        return spec
    }

    // MARK: Preemption

    /// Running job `id` is preempted to make room for `preemptor`: recorded, then requeued (it starts again
    /// once its ranks have stopped, with `restarts + 1`) or, with `--no-requeue`, ended as `preempted`. Its ranks
    /// get SIGTERM with the preempt file, and its class's grace before SIGKILL.
    mutating func preempt(_ id: JobID, by preemptor: JobID, at time: Double, _ directives: inout [Directive]) {
        guard let j = jobs.index(forKey: id), jobs.values[j].state == .running else { return }
        let why: String
        let grace: Double
        if let sharing {
            why = preemptionReason(jobs.values[j], by: preemptor, sharing)
            grace = sharing.classRanked(jobs.values[j].spec.priority.rank).grace
        } else {
            why =
                "job \(preemptor) comes first under policy \(scheduler.policy) (\(scheduler.policy == .srtf ? "less time left" : "less service received"))"
            grace = config.killGrace
        }
        preemptionsMade += 1
        preemptedInLastPass.append(id)
        let stopsAtOnce = isStatic
        let noRequeue = withJob(at: j) { job -> Bool in
            job.preemptions += 1
            job.preemption = PreemptionRecord(by: preemptor, at: time, reason: why, epoch: job.epoch, grace: grace)
            // The simulator's ranks stop at once.
            if stopsAtOnce { job.attempt?.allExited(exitCode: 143, at: time) }
            return job.noRequeue
        }
        let text = "preempted by \(name(of: preemptor)): \(why)"
        if noRequeue {
            end(id, .preempt, exitCode: nil, reason: text, at: time, &directives)
            return
        }
        let attempt = withJob(at: j) { job -> Attempt? in
            job.apply(.requeue)
            job.reason = text + "; requeued (restart \(job.restarts)), it starts again once its ranks have stopped"
            return job.attempt
        }
        awaitingVictims.removeValue(forKey: id)
        held.insert(id)
        directives.append(.storeJobs([id]))
        if let attempt {
            let live = attempt.nodesWithLiveRanks
            if !live.isEmpty { directives.append(.kill(id, epoch: attempt.epoch, nodes: live, reason: text)) }
        }
        releaseIfDrained(id, at: time, &directives)
    }

    /// The rule that lets `preemptor` preempt `victim`, in words.
    func preemptionReason(_ victim: Job, by preemptor: JobID, _ sharing: SharingPolicy) -> String {
        let victimClass = sharing.classRanked(victim.spec.priority.rank).name
        let who = name(of: preemptor)
        guard let winner = jobs[preemptor] else { return "\(who) needed its GPUs" }
        let winnerClass = sharing.classRanked(winner.spec.priority.rank).name
        if winner.spec.team == victim.spec.team {
            return "\(who) of class \(winnerClass) outranks class \(victimClass) in team \(victim.spec.team)"
        }
        if let ref = winner.replica, !(snapshot?.running[victim.id]?.borrowed ?? true),
            sharing.teams.contains(where: { $0.name == winner.spec.team && $0.headroom > 0 })
        {
            return "service \(ref.service) takes back team \(winner.spec.team)'s headroom for \(who); this job "
                + "of a preemptible class ran on it"
        }
        if snapshot?.running[preemptor]?.borrowed == false {
            return "team \(winner.spec.team) reclaims its guarantee for \(who); this job ran on GPUs "
                + "team \(victim.spec.team) borrowed beyond its guarantee"
        }
        return "\(who) of class \(winnerClass) outranks class \(victimClass), and this job ran on GPUs "
            + "team \(victim.spec.team) borrowed beyond its guarantee"
    }

    /// "job 12", or "replica 2 of service embed (job 12)" for a service's replica: how messages name a job.
    public func name(of id: JobID) -> String {
        guard let ref = jobs[id]?.replica else { return "job \(id)" }
        return "replica \(ref.index) of service \(ref.service) (job \(id))"
    }

    /// Job `id`'s ranks have all stopped: preemptors waiting only on it are assigned now.
    mutating func victimStopped(_ id: JobID, at time: Double, _ directives: inout [Directive]) {
        for (preemptor, victims) in awaitingVictims.sorted(by: { $0.key < $1.key }) where victims.contains(id) {
            var rest = victims
            rest.remove(id)
            guard rest.isEmpty else {
                awaitingVictims[preemptor] = rest
                continue
            }
            awaitingVictims.removeValue(forKey: preemptor)
            guard let j = jobs.index(forKey: preemptor), jobs.values[j].state == .running else { continue }
            let epoch = withJob(at: j) { job -> Int in
                job.attempt?.scheduledAt = time
                job.reason = nil
                return job.epoch
            }
            attemptDeadlines.insert(
                AttemptDeadline(time: time + config.startTimeout, job: preemptor, epoch: epoch, kind: .start))
            watchTimeLimit(preemptor)
            directives.append(.storeJobs([preemptor]))
            directives.append(.assign(preemptor, epoch: epoch))
        }
    }

    /// Jobs that are not running but whose last attempt still holds one of the GPUs of `id`'s attempt.
    func stoppingAttempts(overlapping id: JobID) -> Set<JobID> {
        guard let attempt = jobs[id]?.attempt else { return [] }
        var gpus: Set<String> = []
        for (i, node) in attempt.nodes.enumerated() {
            for g in attempt.gpus[i] { gpus.insert("\(node)\u{0}\(g)") }
        }
        var found: Set<JobID> = []
        for other in holding where other != id {
            guard let job = jobs[other], job.state != .running, let theirs = job.attempt else { continue }
            for (i, node) in theirs.nodes.enumerated()
            where theirs.gpus[i].contains(where: { gpus.contains("\(node)\u{0}\($0)") }) {
                found.insert(other)
                break
            }
        }
        return found
    }

    // MARK: Teams

    /// Each team's guarantee, limits, use and fair share now (`muster teams`).
    public func teamReport() -> [TeamUsage] {
        guard let sharing else { return [] }
        let quotas = snapshot?.sharing?.quotas ?? Quotas(policy: sharing, totalGPUs: capacity?.totalGPUs ?? 0)
        let factors = fairShare.factors(quotas: quotas)
        var pending = Array(repeating: 0, count: quotas.names.count)
        if let teamTable {
            for id in active where jobs[id]?.state == .pending {
                let t = teamTable.team(named: jobs[id]!.spec.team)
                if t < pending.count { pending[t] += 1 }
            }
        }
        let models = snapshot?.cluster.gpuModels ?? []
        let ledgers = (snapshot?.sharing?.modelQuotas ?? [:]).sorted { $0.key < $1.key }
        return quotas.names.indices.map { t in
            var usage = TeamUsage(
                name: quotas.names[t], guarantee: quotas.guarantee[t],
                borrowLimit: quotas.borrowLimit[t] == .max ? nil : quotas.borrowLimit[t],
                lendLimit: quotas.lendLimit[t] == .max ? nil : quotas.lendLimit[t], using: quotas.used(t),
                borrowed: quotas.borrowedUse[t], lent: quotas.lent(t),
                fairShare: t < factors.count ? factors[t] : 1, pendingJobs: pending[t], isLeaf: quotas.isLeaf[t])
            if let state = snapshot?.sharing, t < state.headroom.count, state.headroom[t] > 0 {
                usage.headroom = state.headroom[t]
                usage.serviceGPUs = state.serviceHeld[t]
            }
            for (m, ledger) in ledgers where m < models.count && t < ledger.names.count {
                guard ledger.guarantee[t] > 0 || ledger.used(t) > 0 else { continue }
                usage.models.append(
                    TeamUsage.Model(
                        model: models[m].name, guarantee: ledger.guarantee[t], using: ledger.used(t),
                        borrowed: ledger.borrowedUse[t]))
            }
            return usage
        }
    }
}

/// One line of `muster teams`.
public struct TeamUsage: Sendable, Hashable, Codable {
    public var name: String
    public var guarantee: Int
    public var borrowLimit: Int?
    public var lendLimit: Int?
    /// GPUs its running jobs hold.
    public var using: Int
    /// Of those, GPUs beyond its guarantee.
    public var borrowed: Int
    /// GPUs of its idle guarantee others use now.
    public var lent: Int
    /// Fair-share factor, 0...1 (1: no recent use).
    public var fairShare: Double
    public var pendingJobs: Int
    public var isLeaf: Bool
    /// GPUs held for its services (`TeamPolicy.headroom`), and what its replicas hold; nil without headroom.
    public var headroom: Int?
    public var serviceGPUs: Int?
    /// Per GPU model with guarantees: the team's guarantee of it, the GPUs of it its jobs hold (those that asked
    /// for it, and those of any model running there), and of those, how many beyond the guarantee.
    public var models: [Model] = []

    public struct Model: Sendable, Hashable, Codable {
        public var model: String
        public var guarantee: Int
        public var using: Int
        public var borrowed: Int

        public init(model: String, guarantee: Int, using: Int, borrowed: Int) {
            self.model = model
            self.guarantee = guarantee
            self.using = using
            self.borrowed = borrowed
        }
    }
}
