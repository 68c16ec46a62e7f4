/// What the scheduler needs of a shared cluster's policy in one pass: the classes, the quota accounting and
/// each team's fair-share factor. Part of the `Snapshot`; nil there means one queue with no teams.
public struct SharingState: Sendable {
    public var policy: SharingPolicy
    /// The any-model ledger: `TeamPolicy.guarantee`, limits, and every job that asks for no model with guarantees.
    public var quotas: Quotas
    /// One ledger per GPU model some team is guaranteed (`TeamPolicy.modelGuarantees`), keyed by the cluster's
    /// model index, over that model's GPUs: jobs that ask for the model are charged here, and jobs of the
    /// any-model ledger that run on its GPUs borrow them (`RunningJob.squats`).
    public var modelQuotas: [Int: Quotas] = [:]
    /// The modelled draw of every block and the power budgets (`[power]` in the config); nil: none.
    public var power: PowerState?
    /// GPUs each team's running jobs hold, whatever their ledger (fair share counts every job once).
    public private(set) var held: [Int]
    /// Fair-share factor per team (indices of `quotas`), in 0...1.
    public var fairShare: [Double]
    /// The simulator's model: running jobs checkpoint this often (for the work a preemption loses); nil on a live
    /// cluster, where `RunningJob.checkpoint` is what was reported.
    public var checkpointEvery: Seconds?
    /// GPUs held back for each team's services (`TeamPolicy.headroom`, indices of `quotas`); empty: none.
    public private(set) var headroom: [Int] = []
    /// GPUs each team's running service replicas hold (kept only with headroom).
    public private(set) var serviceHeld: [Int] = []
    /// GPUs running jobs of preemptible classes hold (kept only with headroom): work that may sit on headroom.
    public private(set) var preemptibleHeld = 0
    /// Every team's headroom its replicas do not use, summed (kept as replicas start and end).
    public private(set) var headroomUnused = 0
    /// The lowest and highest class ranks, for the class factor.
    private var lowRank = 0
    private var highRank = 0
    /// Class of each rank seen, so a pass looks it up in O(1).
    private var classes: [Int: ClassPolicy] = [:]

    /// `models` and `modelGPUs` (GPUs of each model) are the cluster's; model guarantees naming no model of it
    /// are ignored.
    public init(policy: SharingPolicy, totalGPUs: Int, models: [GPUModel] = [], modelGPUs: [Int] = []) {
        self.policy = policy
        quotas = Quotas(policy: policy, totalGPUs: totalGPUs)
        held = Array(repeating: 0, count: quotas.names.count)
        for m in models.indices where m < modelGPUs.count {
            var ledger = policy
            var any = false
            ledger.teams = policy.teams.map { team in
                var g = 0
                for (name, n) in team.modelGuarantees where GPUModel.resolve(name, in: models) == m { g += n }
                any = any || g > 0
                return TeamPolicy(name: team.name, guarantee: g)
            }
            if any { modelQuotas[m] = Quotas(policy: ledger, totalGPUs: modelGPUs[m]) }
        }
        fairShare = Array(repeating: 1, count: quotas.names.count)
        if policy.teams.contains(where: { $0.headroom > 0 }) {
            headroom = Array(repeating: 0, count: quotas.names.count)
            serviceHeld = headroom
            for team in policy.teams where team.headroom > 0 {
                let t = quotas.team(named: team.name)
                if t != quotas.fallback { headroom[t] = team.headroom }
            }
            headroomUnused = headroom.reduce(0, +)
        }
        for c in policy.classes { classes[c.rank] = c }
        lowRank = policy.classes.map(\.rank).min() ?? 0
        highRank = policy.classes.map(\.rank).max() ?? 0
    }

    /// The state for `policy` on `cluster` (its GPU models and how many GPUs each has).
    public init(policy: SharingPolicy, cluster: Cluster) {
        var modelGPUs = [Int](repeating: 0, count: cluster.gpuModels.count)
        if cluster.gpuModels.count > 1 {
            for node in 0..<cluster.nodeCount { modelGPUs[Int(cluster.nodeModel[node])] += Int(cluster.nodeGPUs[node]) }
        } else if !modelGPUs.isEmpty {
            modelGPUs[0] = cluster.totalGPUs
        }
        self.init(policy: policy, totalGPUs: cluster.totalGPUs, models: cluster.gpuModels, modelGPUs: modelGPUs)
        if let power = policy.power, !power.budgets.isEmpty {
            self.power = PowerState(
                cluster: cluster, nodeOtherWatts: power.nodeOtherWatts, levelBudgets: power.budgets)
        }
    }

    /// The ledger a job that asks for `model` (-1: none) is charged to: the model's, if some team is guaranteed
    /// it, else the any-model one (-1).
    @inline(__always) public func ledger(forModel model: Int16) -> Int16 {
        model >= 0 && modelQuotas[Int(model)] != nil ? model : -1
    }

    /// Whether `job` starts within its team's guarantee, on lent GPUs, or not at all, in its ledger.
    public func admit(_ job: PendingJob) -> Admission {
        let l = ledger(forModel: job.model)
        return l < 0
            ? quotas.admit(Int(job.team), gpus: job.shape.gpus)
            : modelQuotas[Int(l)]!.admit(Int(job.team), gpus: job.shape.gpus)
    }

    /// Charges (`sign` 1) or uncharges (-1) a running job to its ledger, and as borrowed to the model ledger it
    /// squats on.
    public mutating func account(_ job: RunningJob, _ sign: Int) {
        let gpus = job.placement.gpuCount
        if Int(job.team) < held.count { held[Int(job.team)] += sign * gpus }
        if !headroom.isEmpty {
            if job.service, Int(job.team) < serviceHeld.count {
                let t = Int(job.team)
                let before = headroomLeft(t)
                serviceHeld[t] += sign * gpus
                headroomUnused += headroomLeft(t) - before
            }
            if classOf(job.priority).preemptible { preemptibleHeld += sign * gpus }
        }
        func apply(_ q: inout Quotas, borrowed: Bool) {
            if sign > 0 {
                q.charge(Int(job.team), gpus: gpus, borrowed: borrowed)
            } else {
                q.uncharge(Int(job.team), gpus: gpus, borrowed: borrowed)
            }
        }
        if job.ledger < 0 {
            apply(&quotas, borrowed: job.borrowed)
        } else if modelQuotas[Int(job.ledger)] != nil {
            apply(&modelQuotas[Int(job.ledger)]!, borrowed: job.borrowed)
        }
        if job.squats >= 0, modelQuotas[Int(job.squats)] != nil {
            apply(&modelQuotas[Int(job.squats)]!, borrowed: true)
        }
    }

    /// GPUs of team `t`'s headroom its replicas do not use now.
    public func headroomLeft(_ t: Int) -> Int {
        t >= 0 && t < headroom.count ? max(0, headroom[t] - serviceHeld[t]) : 0
    }

    /// Why `job` may not start now because of the headroom held for services, or nil. Preemptible work may
    /// always use headroom (it is preempted when a replica needs it back); other work may start only if the
    /// GPUs free or held by preemptible work, less its own, still cover every team's unused headroom (a
    /// replica's own team's headroom covers it). `free`: the cluster's free GPUs.
    /// - Complexity: O(1) when it may start; O(teams) to name the team when it may not.
    public func headroomRefusal(_ job: PendingJob, free: Int) -> WaitReason? {
        guard headroomUnused > 0, !classOf(job.priority).preemptible else { return nil }
        let reserved = headroomUnused
        let gpus = job.shape.gpus
        let own = job.service ? min(gpus, headroomLeft(Int(job.team))) : 0
        guard free + preemptibleHeld - gpus < reserved - own else { return nil }
        let widest = headroom.indices.max { headroomLeft($0) < headroomLeft($1) } ?? 0
        return .headroom(
            team: quotas.names[widest], reserved: reserved, usable: max(0, free + preemptibleHeld - (reserved - own)))
    }

    /// The class of a job of priority `rank`.
    public func classOf(_ rank: Int) -> ClassPolicy {
        classes[rank] ?? policy.classRanked(rank)
    }

    /// The multifactor priority of `job` at `now` on a cluster of `totalGPUs`.
    func priority(_ job: PendingJob, now: Seconds, totalGPUs: Int) -> Double {
        let w = policy.weights
        let (low, high) = (lowRank, highRank)
        let classFactor = high > low ? Double(min(max(job.priority, low), high) - low) / Double(high - low) : 1
        let age = now > job.submitTime ? Double(now - job.submitTime) : 0
        let ageFactor = w.maxAge > 0 ? min(1, age / w.maxAge) : 1
        let team = Int(job.team)
        let fs = team >= 0 && team < fairShare.count ? fairShare[team] : 1
        let size = totalGPUs > 0 ? Double(job.shape.gpus) / Double(totalGPUs) : 0
        return w.classWeight * classFactor + w.fairShare * fs + w.age * ageFactor + w.size * min(1, size)
    }
}
