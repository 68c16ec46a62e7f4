import MusterCore
import PropertyBased
import Testing

/// Teams, quotas with lending, fair share and preemption in `Scheduler.plan` (issue: shared clusters).
@Suite struct SharingTests {
    /// Classes with no minimum runtime, so tests decide when a job is protected.
    static let classes: [ClassPolicy] = [
        ClassPolicy(name: "inference", rank: 300, mayPreempt: true, preemptible: false),
        ClassPolicy(name: "production", rank: 200, mayPreempt: true, minRuntime: 0),
        ClassPolicy(name: "research", rank: 100, minRuntime: 0),
        ClassPolicy(name: "best-effort", rank: 0, minRuntime: 0),
    ]

    static func policy(
        _ teams: [TeamPolicy], lending: Bool = true, preemption: Bool = true, classes: [ClassPolicy] = classes
    ) -> SharingPolicy {
        SharingPolicy(
            classes: classes, teams: teams, weights: PriorityWeights(fairShare: 0, age: 0, size: 0), lending: lending,
            preemption: preemption)
    }

    static func snapshot(_ policy: SharingPolicy, nodes: Int = 2) -> Snapshot {
        let cluster = testCluster(leaves: 1, nodesPerLeaf: nodes)
        var snapshot = Snapshot(cluster: cluster)
        snapshot.sharing = SharingState(policy: policy, totalGPUs: cluster.totalGPUs)
        return snapshot
    }

    static func job(
        _ id: JobID, gpus: Int, team: String, in snapshot: Snapshot, priority: Int = 100, submit: Seconds = 0
    ) -> PendingJob {
        PendingJob(
            id: id, shape: GangShape(nodes: 1, gpusPerNode: gpus), priority: priority, submitTime: submit,
            timeLimit: 1_000, team: Int32(snapshot.sharing!.quotas.team(named: team)))
    }

    static let twoTeams = [TeamPolicy(name: "a", guarantee: 8), TeamPolicy(name: "b", guarantee: 8)]

    // MARK: Quotas

    /// One H100 node and one A100 node; team a is guaranteed the H100s (`guarantee.h100 = 8`), team b nothing.
    static func twoModels() -> Snapshot {
        let layout = ClusterLayout(
            gpuModels: [
                GPUModel(name: "NVIDIA H100 80GB HBM3", memoryGiB: 80, maxWatts: 700, idleWatts: 70),
                GPUModel(name: "NVIDIA A100-SXM4-80GB", memoryGiB: 80, maxWatts: 400, idleWatts: 50),
            ],
            levelNames: ["leaf"],
            nodes: [
                .init(name: "h", gpus: 8, gpuModel: 0, path: [0]), .init(name: "a", gpus: 8, gpuModel: 1, path: [0]),
            ])
        let cluster = try! Cluster(layout: layout)
        var snapshot = Snapshot(cluster: cluster)
        let policy = Self.policy([
            TeamPolicy(name: "a", modelGuarantees: ["h100": 8]), TeamPolicy(name: "b"),
        ])
        snapshot.sharing = SharingState(policy: policy, cluster: cluster)
        return snapshot
    }

    @Test func aModelGuaranteeIsReclaimedFromJobsOnThatModelOnly() {
        var snapshot = Self.twoModels()
        #expect(snapshot.sharing!.modelQuotas.keys.sorted() == [0], "a ledger for the H100s only")
        let scheduler = Scheduler(policy: .backfill)
        // b's two any-model jobs take both nodes: the one on the H100 borrows it from the H100 ledger.
        for id in [1, 2] as [JobID] {
            snapshot.pending.append(Self.job(id, gpus: 8, team: "b", in: snapshot, submit: id))
        }
        _ = scheduler.plan(&snapshot, now: 1_000)
        let squatter = snapshot.running.byID.values.first {
            snapshot.cluster.nodeModel[Int($0.placement.nodes[0])] == 0
        }!
        #expect(squatter.squats == 0 && squatter.ledger == -1)
        #expect(snapshot.sharing!.modelQuotas[0]!.borrowedTotal == 8)
        // a asks for H100s within its guarantee: only the job on the H100 is preempted.
        var ask = Self.job(3, gpus: 8, team: "a", in: snapshot, submit: 3)
        ask.model = 0
        #expect(snapshot.sharing!.admit(ask) == .guaranteed)
        snapshot.pending.append(ask)
        let decisions = scheduler.plan(&snapshot, now: 2_000)
        #expect(decisions.contains(.preempt(squatter.id, by: 3)), "\(decisions)")
        #expect(!decisions.contains { if case .preempt(let v, _) = $0 { v != squatter.id } else { false } })
        let started = snapshot.running[3]
        #expect(started?.ledger == 0 && started?.borrowed == false && started?.placement.nodes == [0])
        #expect(snapshot.sharing!.modelQuotas[0]!.guaranteedUse[snapshot.sharing!.quotas.team(named: "a")] == 8)
        // b asking for the H100s has no guarantee there: it would borrow, and nothing is lent while a uses them.
        var other = Self.job(4, gpus: 8, team: "b", in: snapshot, submit: 4)
        other.model = 0
        #expect(snapshot.sharing!.admit(other) != .guaranteed)
        // Without lending, b's quota of H100s (none) keeps it waiting, and `why` names the model.
        var strict = Self.twoModels()
        strict.sharing = SharingState(
            policy: Self.policy(
                [TeamPolicy(name: "a", modelGuarantees: ["h100": 8]), TeamPolicy(name: "b")], lending: false),
            cluster: strict.cluster)
        strict.pending.append(other)
        var reasons: [JobID: WaitReason]? = [:]
        _ = scheduler.plan(&strict, now: 3_000, reasons: &reasons)
        let why = reasons?[4]?.description(now: 3_000) ?? ""
        #expect(why.hasPrefix("over quota of NVIDIA H100 80GB HBM3 GPUs") && why.contains("team b"), "\(why)")
        // Accounting comes back to zero when everything ends.
        for id in snapshot.running.byID.keys.sorted() { snapshot.finish(id) }
        #expect(snapshot.sharing!.modelQuotas[0]!.borrowedTotal == 0 && snapshot.sharing!.quotas.borrowedTotal == 0)
        #expect(snapshot.sharing!.modelQuotas[0]!.guaranteedUse.allSatisfy { $0 == 0 })
    }

    @Test func aJobWithinItsGuaranteeIsGuaranteedAndOneBeyondItBorrows() {
        var quotas = Quotas(policy: Self.policy(Self.twoTeams), totalGPUs: 16)
        let a = quotas.team(named: "a")
        #expect(quotas.admit(a, gpus: 8) == .guaranteed)
        quotas.charge(a, gpus: 8, borrowed: false)
        #expect(quotas.admit(a, gpus: 4) == .borrowing, "b's idle guarantee is lent")
        quotas.charge(a, gpus: 8, borrowed: true)
        #expect(quotas.lendable == 8 && quotas.borrowedTotal == 8)
        #expect(quotas.lent(quotas.team(named: "b")) == 8)
        #expect(quotas.admit(quotas.team(named: "b"), gpus: 8) == .guaranteed, "b's guarantee is still b's")
        #expect(
            quotas.admit(a, gpus: 1) == .borrowing,
            "beyond every idle GPU it would not fit anyway: that is no room (a reservation), not quota")
        var limited = Quotas(
            policy: Self.policy([
                TeamPolicy(name: "a", guarantee: 8), TeamPolicy(name: "b", guarantee: 8, lendLimit: 2),
            ]),
            totalGPUs: 16)
        limited.charge(limited.team(named: "a"), gpus: 8, borrowed: false)
        guard case .refused(.nothingToBorrow("a", 8, 2)) = limited.admit(limited.team(named: "a"), gpus: 4) else {
            Issue.record("b lends at most 2")
            return
        }
    }

    @Test func borrowingStopsAtTheTeamsAndItsOrgsLimitsAndAtTheLendingLimit() {
        let policy = Self.policy([
            TeamPolicy(name: "org", borrowLimit: 6), TeamPolicy(name: "org/x", guarantee: 4, borrowLimit: 4),
            TeamPolicy(name: "org/y", guarantee: 4), TeamPolicy(name: "z", guarantee: 16, lendLimit: 8),
        ])
        var quotas = Quotas(policy: policy, totalGPUs: 24)
        let x = quotas.team(named: "x")
        #expect(quotas.names[x] == "org/x", "a unique leaf name finds its path")
        #expect(quotas.guarantee[quotas.names.firstIndex(of: "org")!] == 8, "an org's guarantee is its teams'")
        #expect(quotas.lendable == 4 + 4 + 8, "z lends at most 8 of its 16")
        quotas.charge(x, gpus: 4, borrowed: false)
        guard case .refused(.overBorrowLimit(let team, 4, 0)) = quotas.admit(x, gpus: 5) else {
            Issue.record("x may borrow 4")
            return
        }
        #expect(team == "org/x")
        quotas.charge(x, gpus: 4, borrowed: true)
        let y = quotas.team(named: "y")
        quotas.charge(y, gpus: 4, borrowed: false)
        guard case .refused(.overBorrowLimit("org", 6, 4)) = quotas.admit(y, gpus: 3) else {
            Issue.record("the org may borrow 6 in all")
            return
        }
        #expect(quotas.admit(y, gpus: 2) == .borrowing)
    }

    @Test func withoutLendingEachTeamIsAHardPartitionOfItsGuarantee() {
        var snapshot = Self.snapshot(Self.policy(Self.twoTeams, lending: false))
        snapshot.pending = [
            Self.job(1, gpus: 8, team: "a", in: snapshot), Self.job(2, gpus: 4, team: "a", in: snapshot, submit: 1),
        ]
        var reasons: [JobID: WaitReason]? = [:]
        let decisions = Scheduler(policy: .backfill).plan(&snapshot, now: 0, reasons: &reasons)
        #expect(decisions.map(\.jobID) == [1])
        #expect(reasons?[2] == .overQuota(.overGuarantee(team: "a", guarantee: 8, using: 8)))
        #expect(reasons?[2]?.description(now: 0).hasPrefix("over quota: team a uses 8 of its 8") == true)
        #expect(snapshot.cluster.freeTotal == 8, "b's idle GPUs stay idle")
    }

    // MARK: Reclaim and preemption

    @Test func anIdleGuaranteeIsLentThenReclaimedFromTheBorrower() {
        var snapshot = Self.snapshot(Self.policy(Self.twoTeams))
        snapshot.pending = [
            Self.job(1, gpus: 8, team: "a", in: snapshot), Self.job(2, gpus: 8, team: "a", in: snapshot, submit: 1),
        ]
        let scheduler = Scheduler(policy: .backfill)
        #expect(scheduler.plan(&snapshot, now: 0).map(\.jobID) == [1, 2])
        #expect(snapshot.running[2]?.borrowed == true && snapshot.running[1]?.borrowed == false)
        snapshot.pending = [Self.job(3, gpus: 8, team: "b", in: snapshot, submit: 10)]
        let decisions = scheduler.plan(&snapshot, now: 20)
        #expect(decisions.count == 2)
        #expect(decisions.first == .preempt(2, by: 3), "only the borrowed job is reclaimed")
        if case .start(3, _) = decisions.last {} else { Issue.record("\(decisions)") }
        #expect(snapshot.running[1] != nil && snapshot.running[2] == nil)
        #expect(snapshot.sharing!.quotas.borrowedTotal == 0)
    }

    @Test func aHigherClassPreemptsALowerOneOfItsTeamButNeverAnotherTeamsGuarantee() {
        var snapshot = Self.snapshot(Self.policy(Self.twoTeams))
        snapshot.pending = [
            Self.job(1, gpus: 8, team: "a", in: snapshot, priority: 100),
            Self.job(2, gpus: 8, team: "b", in: snapshot, priority: 100),
        ]
        let scheduler = Scheduler(policy: .backfill)
        #expect(scheduler.plan(&snapshot, now: 0).count == 2)
        snapshot.pending = [Self.job(3, gpus: 8, team: "a", in: snapshot, priority: 300, submit: 5)]
        let decisions = scheduler.plan(&snapshot, now: 10)
        #expect(decisions.first == .preempt(1, by: 3), "inference preempts research in team a, not b's job 2")
        #expect(snapshot.running[2] != nil)
        snapshot.pending = [Self.job(4, gpus: 8, team: "a", in: snapshot, priority: 300, submit: 6)]
        #expect(
            !scheduler.plan(&snapshot, now: 11).contains { if case .preempt = $0 { true } else { false } },
            "b's guaranteed job is never a victim")
        #expect(snapshot.running[2] != nil)
    }

    @Test func theMinimumRuntimeProtectsAJobThatJustStarted() {
        var classes = Self.classes
        classes[2].minRuntime = 300
        var snapshot = Self.snapshot(Self.policy([TeamPolicy(name: "a", guarantee: 16)], classes: classes), nodes: 1)
        snapshot.pending = [Self.job(1, gpus: 8, team: "a", in: snapshot, priority: 100)]
        let scheduler = Scheduler(policy: .backfill)
        _ = scheduler.plan(&snapshot, now: 0)
        snapshot.pending = [Self.job(2, gpus: 8, team: "a", in: snapshot, priority: 200, submit: 1)]
        var reasons: [JobID: WaitReason]? = [:]
        #expect(scheduler.plan(&snapshot, now: 299, reasons: &reasons).allSatisfy { $0.jobID != 1 })
        #expect(snapshot.running[1] != nil)
        #expect(scheduler.plan(&snapshot, now: 300).first == .preempt(1, by: 2))
    }

    @Test func noJobIsPreemptedForAPreemptorThatCannotStart() {
        // Node 0: a best-effort job and a non-preemptible inference job, 4 GPUs each; node 1: inference, 8 GPUs.
        var snapshot = Self.snapshot(Self.policy([TeamPolicy(name: "a", guarantee: 16)]))
        let low = Self.job(1, gpus: 4, team: "a", in: snapshot, priority: 0)
        snapshot.start(low, on: Placement(nodes: [0], gpuMasks: [0x0F]), at: 0)
        let guarded = Self.job(2, gpus: 4, team: "a", in: snapshot, priority: 300)
        snapshot.start(guarded, on: Placement(nodes: [0], gpuMasks: [0xF0]), at: 0)
        let low2 = Self.job(3, gpus: 8, team: "a", in: snapshot, priority: 300)
        snapshot.start(low2, on: Placement(nodes: [1], gpuMasks: [0xFF]), at: 0)
        // Job 4 (production, 1x8) could only take node 0 by preempting 1 and the non-preemptible 2.
        snapshot.pending = [Self.job(4, gpus: 8, team: "a", in: snapshot, priority: 200, submit: 1)]
        let decisions = Scheduler(policy: .backfill).plan(&snapshot, now: 100)
        #expect(!decisions.contains { if case .preempt = $0 { true } else { false } })
        #expect(snapshot.running[1] != nil)
    }

    @Test func victimsAreTheLowestClassThenTheLeastWorkLostThenTheNewest() {
        var snapshot = Self.snapshot(Self.policy([TeamPolicy(name: "a", guarantee: 16)]), nodes: 1)
        // Four 2-GPU jobs: research (started 0), best-effort started 0 with a checkpoint at 90, best-effort
        // started 50 (no checkpoint), best-effort started 60.
        let specs: [(JobID, Int, Seconds, UInt64)] = [
            (1, 100, 0, 0x03), (2, 0, 0, 0x0C), (3, 0, 50, 0x30), (4, 0, 60, 0xC0),
        ]
        for (id, priority, start, mask) in specs {
            snapshot.start(
                Self.job(id, gpus: 2, team: "a", in: snapshot, priority: priority),
                on: Placement(nodes: [0], gpuMasks: [mask]), at: start)
        }
        var withCheckpoint = snapshot.running[2]!
        withCheckpoint.checkpoint = 90
        snapshot.running.remove(2)
        snapshot.running.insert(withCheckpoint)
        // At t=100: losses 2: 10 s x 2, 3: 50 s x 2, 4: 40 s x 2. A 4-GPU job needs two victims.
        snapshot.pending = [Self.job(5, gpus: 4, team: "a", in: snapshot, priority: 200, submit: 99)]
        let decisions = Scheduler(policy: .backfill).plan(&snapshot, now: 100)
        #expect(decisions.prefix(2) == [.preempt(2, by: 5), .preempt(4, by: 5)], "\(decisions)")
        #expect(snapshot.running[1] != nil && snapshot.running[3] != nil)
    }

    @Test func aPreemptedJobNeverPreemptsItsPreemptorBack() {
        var snapshot = Self.snapshot(Self.policy([TeamPolicy(name: "a", guarantee: 8)]), nodes: 1)
        snapshot.start(
            Self.job(1, gpus: 8, team: "a", in: snapshot, priority: 100),
            on: Placement(nodes: [0], gpuMasks: [0xFF]), at: 0)
        // Job 2 was preempted by job 1 once; it is production now (say, after a reload), but 1 is still off limits.
        var again = Self.job(2, gpus: 8, team: "a", in: snapshot, priority: 200)
        again.preemptedBy = 1
        snapshot.pending = [again]
        #expect(Scheduler(policy: .backfill).plan(&snapshot, now: 50).allSatisfy { $0.jobID != 1 })
        #expect(snapshot.running[1] != nil)
    }

    @Test func withoutTeamsHigherClassesStillPreemptLowerOnes() {
        var snapshot = Self.snapshot(Self.policy([]), nodes: 1)
        snapshot.pending = [Self.job(1, gpus: 8, team: "anyone", in: snapshot, priority: 0)]
        _ = Scheduler(policy: .fifo).plan(&snapshot, now: 0)
        snapshot.pending = [Self.job(2, gpus: 8, team: "else", in: snapshot, priority: 200, submit: 1)]
        #expect(Scheduler(policy: .fifo).plan(&snapshot, now: 10).first == .preempt(1, by: 2))
    }

    // MARK: Fair share

    @Test func pastUseDecaysByHalfEachHalfLifeAndLowersTheTeamsFactor() {
        var quotas = Quotas(policy: Self.policy(Self.twoTeams), totalGPUs: 16)
        let a = quotas.team(named: "a")
        var fair = FairShare(teams: quotas.names.count, halfLife: 100)
        fair.advance(to: 0, quotas: quotas)
        quotas.charge(a, gpus: 8, borrowed: false)
        fair.advance(to: 10, quotas: quotas)
        let used = fair.usage[a]
        #expect(abs(used - 80 * 0.9659) < 0.1, "8 GPUs x 10 s, decayed from mid-interval")
        quotas.uncharge(a, gpus: 8, borrowed: false)
        fair.advance(to: 110, quotas: quotas)
        #expect(abs(fair.usage[a] - used / 2) < 1e-9)
        let factors = fair.factors(quotas: quotas)
        #expect(factors[a] == 0.25, "all use, half the shares: 2^-2")
        #expect(factors[quotas.team(named: "b")] == 1)
    }

    @Test func fairShareOrdersTeamsWithinAClass() {
        var snapshot = Self.snapshot(
            SharingPolicy(classes: Self.classes, teams: Self.twoTeams, weights: PriorityWeights(age: 0, size: 0)),
            nodes: 1)
        snapshot.sharing!.fairShare[snapshot.sharing!.quotas.team(named: "a")] = 0.2
        snapshot.pending = [
            Self.job(1, gpus: 8, team: "a", in: snapshot, submit: 0),
            Self.job(2, gpus: 8, team: "b", in: snapshot, submit: 5),
        ]
        #expect(Scheduler(policy: .backfill).plan(&snapshot, now: 10).first?.jobID == 2)
    }

    // MARK: Properties

    /// Random jobs of two teams under backfill with quotas (no preemption): every job starts no later than its
    /// first reservation, a team's guaranteed jobs never exceed its guarantee, and borrowing stays within the
    /// limit except by a job whose reservation is honoured. (What is lent may shrink below what is borrowed when a lender's own jobs start: reclaim is
    /// preemption's job.)
    @Test func withQuotasBackfillNeverDelaysAReservationAndAccountingHolds() async {
        let input = Gen.int(in: 0...9_999).array(of: 5...60)
        await propertyCheck(count: 100, input: input) { seeds in
            let policy = Self.policy(
                [TeamPolicy(name: "a", guarantee: 24, borrowLimit: 24), TeamPolicy(name: "b", guarantee: 16)],
                preemption: false)
            var snapshot = Self.snapshot(policy, nodes: 6)
            var runtime: [JobID: Seconds] = [:]
            var arrivals: [PendingJob] = []
            for (i, s) in seeds.enumerated() {
                let limit = Seconds(10 + (s / 8) % 200)
                runtime[JobID(i)] = max(1, limit - Seconds((s / 7) % 20))
                var job = Self.job(
                    JobID(i), gpus: 1, team: s % 2 == 0 ? "a" : "b", in: snapshot,
                    submit: Seconds(i * ((s % 3) + 1)))
                job.shape = testShapes[s % 6]
                job.timeLimit = limit
                arrivals.append(job)
            }
            arrivals.sort { $0.submitTime != $1.submitTime ? $0.submitTime < $1.submitTime : $0.id < $1.id }
            var promised: [JobID: Seconds] = [:]
            var started: [JobID: Seconds] = [:]
            var ends: [(Seconds, JobID)] = []
            var next = 0
            let scheduler = Scheduler(policy: .backfill)
            while next < arrivals.count || !ends.isEmpty {
                let now = min(next < arrivals.count ? arrivals[next].submitTime : .max, ends.map(\.0).min() ?? .max)
                for (t, id) in ends where t == now { snapshot.finish(id) }
                ends.removeAll { $0.0 == now }
                while next < arrivals.count && arrivals[next].submitTime == now {
                    snapshot.pending.append(arrivals[next])
                    next += 1
                }
                for decision in scheduler.plan(&snapshot, now: now) {
                    switch decision {
                    case .start(let id, _):
                        started[id] = now
                        ends.append((now + runtime[id]!, id))
                    case .reserve(let id, let at, _):
                        if promised[id] == nil { promised[id] = at }
                    case .preempt:
                        Issue.record("preemption is off")
                    }
                }
                let quotas = snapshot.sharing!.quotas
                for t in quotas.names.indices where quotas.isLeaf[t] {
                    #expect(quotas.guaranteedUse[t] <= quotas.guarantee[t])
                }
                // Only a job whose reservation was honoured may take a team past its borrowing limit.
                let a = Int32(quotas.team(named: "a"))
                let borrowedUnreserved = snapshot.running.byID.values.filter {
                    $0.team == a && $0.borrowed && promised[$0.id] == nil
                }.reduce(0) { $0 + $1.placement.gpuCount }
                #expect(borrowedUnreserved <= 24)
                #expect(snapshot.cluster.invariantViolations(running: snapshot.running.sortedByID).isEmpty)
            }
            for (id, at) in promised {
                #expect(started[id]! <= at, "job \(id) promised \(at), started \(started[id]!)")
            }
        }
    }

    /// With preemption on and single-node jobs: once passes settle, no queued job within its team's guarantee is
    /// left waiting while one node's free GPUs plus the GPUs other teams borrow there would hold it. Behind a
    /// standing reservation, the reserved GPUs (free, or held by a job) do not count: the reservation must keep
    /// its time.
    @Test func guaranteesAreHonouredByReclaimingBorrowedGPUs() async {
        let input = Gen.int(in: 0...9_999).array(of: 5...50)
        await propertyCheck(count: 100, input: input) { seeds in
            var snapshot = Self.snapshot(Self.policy(Self.twoTeams + [TeamPolicy(name: "c", guarantee: 8)]), nodes: 3)
            var pending: [PendingJob] = []
            for (i, s) in seeds.enumerated() {
                pending.append(
                    Self.job(
                        JobID(i), gpus: [1, 2, 4, 8][s % 4], team: ["a", "b", "c"][(s / 4) % 3], in: snapshot,
                        submit: Seconds(i)))
            }
            let scheduler = Scheduler(policy: .backfill)
            var now: Seconds = 0
            for job in pending {
                now += 1
                snapshot.pending.append(job)
                // Passes run until one changes nothing (both shells plan again after every start or preemption):
                // GPUs a reclaim frees beyond its own need go to the next pass.
                for _ in 0..<8 {
                    let decisions = scheduler.plan(&snapshot, now: now)
                    if decisions.allSatisfy({ if case .reserve = $0 { true } else { false } }) { break }
                }
                let quotas = snapshot.sharing!.quotas
                let standing = snapshot.reservation.flatMap { r in snapshot.pending[r.jobID] == nil ? nil : r }
                for waiting in snapshot.pending
                where quotas.admit(Int(waiting.team), gpus: waiting.shape.gpus) == .guaranteed {
                    var reserved: [Int32: UInt64] = [:]
                    if let standing, standing.jobID != waiting.id {
                        for (k, node) in standing.placement.nodes.enumerated() {
                            reserved[node, default: 0] |= standing.placement.gpuMasks[k]
                        }
                    }
                    func onReserved(_ r: RunningJob) -> Bool {
                        r.placement.nodes.indices.contains {
                            reserved[r.placement.nodes[$0], default: 0] & r.placement.gpuMasks[$0] != 0
                        }
                    }
                    for node in 0..<snapshot.cluster.nodeCount {
                        var reachable =
                            (snapshot.cluster.freeMask[node] & ~reserved[Int32(node), default: 0]).nonzeroBitCount
                        for r in snapshot.running.byID.values
                        where r.borrowed && r.team != waiting.team && !onReserved(r) {
                            if let k = r.placement.nodes.firstIndex(of: Int32(node)) {
                                reachable += r.placement.gpuMasks[k].nonzeroBitCount
                            }
                        }
                        #expect(
                            reachable < waiting.shape.gpusPerNode,
                            "job \(waiting.id) could reclaim node \(node): \(snapshot.running.sortedByID) \(snapshot.pending)"
                        )
                    }
                }
            }
        }
    }
}
