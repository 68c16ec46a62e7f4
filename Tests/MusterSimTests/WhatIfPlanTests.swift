import MusterCore
import Testing

@testable import MusterSim

/// The what-if planner: every figure comes from its simulations and moves the way the cluster's size, spares and
/// power budget say it should.
@Suite struct WhatIfPlanTests {
    static func plan(_ sizes: [Int], hardware: WhatIfPlan.Hardware = .h100, budgetMW: Double? = nil) throws
        -> WhatIfPlan.Report
    {
        let plan = WhatIfPlan(
            sizes: sizes, hardware: hardware, budgetMW: budgetMW, days: 0.5, seed: 3, interruptionsPerRun: 30)
        return try plan.run()
    }

    @Test func figuresGrowWithTheClusterAndSparesKeepTrainingGoing() throws {
        let report = try Self.plan([4_096, 16_384])
        #expect(report.rows.map(\.gpus) == [4_096, 16_384] && report.rows.map(\.nodes) == [512, 2_048])
        for row in report.rows {
            #expect(abs(row.fullLoadMW - PowerModel.h100.nodeMaxWatts * Double(row.nodes) * 1.2 / 1e6) < 1e-6)
            #expect(row.peakMW >= row.meanMW && row.meanMW >= row.lowMW && row.lowMW >= row.idleMW * 0.99)
            #expect(row.peakMW <= row.fullLoadMW)
            #expect(abs(row.energyMWhPerDay - row.meanMW * 24) < row.meanMW * 24 * 0.05)
            #expect(row.utilization > 0.3 && row.jobs > 100)
            #expect(row.trainingGPUs == row.gpus - row.spares * 8 && row.spares == row.nodes / 16)
            #expect(row.trainingInterruptions > 5 && row.restartsOnSpares > 0)
            #expect(
                row.ettrWithSpares > row.ettrWithoutSpares + 0.2,
                "ETTR \(row.ettrWithSpares) with spares, \(row.ettrWithoutSpares) without")
        }
        let (small, large) = (report.rows[0], report.rows[1])
        #expect(large.meanMW > 3 * small.meanMW)
        #expect(large.nodeFailuresPerDay > small.nodeFailuresPerDay)
        #expect(large.ettrWithSpares < small.ettrWithSpares, "more GPUs, more interruptions per hour of training")
        let page = PlanReport.render(report)
        #expect(page.components(separatedBy: "<svg").count - 1 == 6 && page.contains("<td>16384</td>"))
    }

    @Test func aPowerBudgetHoldsTheMixedWorkloadBackAndSaysWhenItCannotPowerTheCluster() throws {
        let free = try Self.plan([8_192])
        // 1,024 DGX H100 idle: 6.34 MW facility; at full load 12.5 MW. 9 MW leaves room for about half the GPUs.
        let held = try Self.plan([8_192], budgetMW: 9)
        #expect(held.rows[0].peakMW <= 9 && !held.rows[0].idleOverBudget)
        #expect(held.rows[0].utilization < free.rows[0].utilization - 0.1)
        let dark = try Self.plan([8_192], budgetMW: 5)
        #expect(dark.rows[0].idleOverBudget && dark.rows[0].utilization == free.rows[0].utilization)
    }

    @Test func gb200RacksDrawTheirModelledPower() throws {
        let report = try Self.plan([7_200], hardware: .gb200)
        let row = try #require(report.rows.first)
        // 100 NVL72 racks at 120 kW each, PUE 1.2.
        #expect(row.nodes == 1_800 && abs(row.fullLoadMW - 14.4) < 1e-6)
        #expect(row.meanMW > row.idleMW && row.ettrWithSpares > row.ettrWithoutSpares)
    }
}
