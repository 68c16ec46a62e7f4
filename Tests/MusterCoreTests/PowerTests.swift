import MusterCore
import Testing

/// The power model's calibration against the issue's figures, and power budgets as a schedulable resource.
@Suite struct PowerTests {
    @Test func theModelGivesTheFiguresItIsBuiltFrom() {
        // 100,000 H100s are 12,500 DGX H100 at 10.2 kW: 127.5 MW of IT load at full power.
        #expect(abs(PowerModel.h100.itWatts(gpus: 100_000, busy: 100_000, atMax: true) - 127.5e6) < 1)
        #expect(PowerModel.h100.nodeMaxWatts == 10_200)
        // A GB200 NVL72 rack (72 GPUs, 18 trays) draws about 120 kW.
        #expect(abs(PowerModel.gb200.itWatts(gpus: 72, busy: 72, atMax: true) - 120_000) < 1)
        // Idle, a DGX H100 draws its other parts and 8 idle GPUs.
        #expect(PowerModel.h100.itWatts(gpus: 8, busy: 0) == 4_600 + 8 * 70)
        #expect(PowerModel.named("GB200") == .gb200 && PowerModel.named("b300") == nil)
    }

    /// Two leaves of two 8-GPU H100 nodes; every leaf may draw 16 kW: its idle 10.32 kW and 9 busy GPUs
    /// (630 W each above idle).
    static func snapshot(budgets: [String: Double]) -> Snapshot {
        let cluster = testCluster(leaves: 2, nodesPerLeaf: 2, leavesPerSpine: 2)
        var snapshot = Snapshot(cluster: cluster)
        var policy = SharingPolicy()
        policy.power = PowerBudget(budgets: budgets, nodeOtherWatts: 4_600)
        snapshot.sharing = SharingState(policy: policy, cluster: cluster)
        return snapshot
    }

    static func job(_ id: JobID, gpus: Int) -> PendingJob {
        PendingJob(id: id, shape: GangShape(nodes: 1, gpusPerNode: gpus), submitTime: id, timeLimit: 3_600)
    }

    @Test func aLeafBudgetSendsAJobToAnotherLeafThenHoldsItBackAndWhySaysSo() {
        var snapshot = Self.snapshot(budgets: ["leaf": 16_000])
        let scheduler = Scheduler(policy: .backfill)
        for id in [1, 2] as [JobID] { snapshot.pending.append(Self.job(id, gpus: 8)) }
        _ = scheduler.plan(&snapshot, now: 0)
        let leaves = [1, 2].map { snapshot.cluster.nodeBlock[Int(snapshot.running[$0]!.placement.nodes[0])] }
        #expect(leaves[0] != leaves[1], "the second job would take the first leaf past 16 kW: it goes to the other")
        snapshot.pending.append(Self.job(3, gpus: 8))
        var reasons: [JobID: WaitReason]? = [:]
        let decisions = scheduler.plan(&snapshot, now: 10, reasons: &reasons)
        #expect(!decisions.contains(.start(3, snapshot.running[3]?.placement ?? Placement(nodes: [], gpuMasks: []))))
        #expect(snapshot.running[3] == nil)
        let why = reasons?[3]?.description(now: 10) ?? ""
        #expect(why.hasPrefix("power budget: leaf #") && why.contains("15.4 kW of its 16.0 kW budget"), "\(why)")
        // A job small enough still fits, and when a job ends its power comes back.
        snapshot.pending.append(Self.job(4, gpus: 1))
        _ = scheduler.plan(&snapshot, now: 20)
        #expect(snapshot.running[4] != nil && snapshot.running[3] == nil)
        snapshot.finish(1)
        _ = scheduler.plan(&snapshot, now: 30)
        #expect(snapshot.running[3] != nil)
        // Everything ended: every block is back at its idle draw.
        for id in snapshot.running.byID.keys.sorted() { snapshot.finish(id) }
        let idle = Self.snapshot(budgets: ["leaf": 16_000]).sharing!.power!.draw
        #expect(zip(snapshot.sharing!.power!.draw, idle).allSatisfy { abs($0 - $1) < 0.001 })
    }

    @Test func aClusterBudgetCapsTheWholeCluster() {
        // 4 nodes idle: 20.64 kW; 40 kW leaves room for 30 busy GPUs.
        var snapshot = Self.snapshot(budgets: ["cluster": 40_000])
        let scheduler = Scheduler(policy: .backfill)
        for id in 1...4 as ClosedRange<JobID> { snapshot.pending.append(Self.job(id, gpus: 8)) }
        var reasons: [JobID: WaitReason]? = [:]
        _ = scheduler.plan(&snapshot, now: 0, reasons: &reasons)
        #expect(snapshot.running.count == 3)
        #expect(reasons?[4]?.description(now: 0).hasPrefix("power budget: the cluster draws") == true)
    }

    @Test func noJobIsPreemptedForAStartThatWouldBreakABudget() {
        // 36 kW for the 4 nodes: idle 20.64 kW and 24 busy GPUs. Three best-effort 8-GPU jobs run, the fourth node
        // stays idle; a production job of 2 x 8 GPUs could only start by preempting one of them, and would then
        // take the cluster to 32 busy GPUs (40.8 kW).
        var snapshot = Self.snapshot(budgets: ["cluster": 36_000])
        let scheduler = Scheduler(policy: .backfill)
        for id in [1, 2, 3, 4] as [JobID] {
            var low = Self.job(id, gpus: 8)
            low.priority = PriorityClass.low.rank
            snapshot.pending.append(low)
        }
        _ = scheduler.plan(&snapshot, now: 0)
        #expect(snapshot.running.count == 3)
        let high = PendingJob(
            id: 5, shape: GangShape(nodes: 2, gpusPerNode: 8), priority: PriorityClass.high.rank, submitTime: 10,
            timeLimit: 3_600)
        snapshot.pending.append(high)
        let decisions = scheduler.plan(&snapshot, now: 3_600)
        #expect(!decisions.contains { if case .preempt = $0 { true } else { false } }, "\(decisions)")
        #expect(snapshot.running[5] == nil && snapshot.running.count == 3)
    }

    @Test func aPowerTableIsReadFromTheConfig() throws {
        let policy = try SharingConfigFile.parse(
            "[power]\nbudget_mw = 150\nleaf_budget_kw = 400\nnode_other_w = 4000\n")
        #expect(policy.power?.budgets == ["cluster": 150e6, "leaf": 400_000] && policy.power?.nodeOtherWatts == 4_000)
        #expect(throws: ConfigFileError.self) { try SharingConfigFile.parse("[power]\nbudget_kw = -1\n") }
        #expect(throws: ConfigFileError.self) { try SharingConfigFile.parse("[power]\nwatts = 1\n") }
    }
}
