import Foundation
import MusterCore
import Testing

@testable import MusterSim

@Suite struct SimulatorTests {
    func simulate(_ policy: SchedulingPolicy, gpus: Int = 2_048, seed: UInt64 = 5, check: Bool = true) throws
        -> SimulationReport
    {
        let cluster = try ClusterPreset.superpod(gpus: gpus).cluster()
        let workload = SyntheticWorkload(clusterGPUs: gpus, seed: seed, duration: 86_400, load: 0.9).generate()
        return try Simulator(
            cluster: cluster, clusterName: "superpod:\(gpus)", workload: workload, policy: policy, seed: seed,
            checkInvariants: check
        ).run()
    }

    @Test(arguments: SchedulingPolicy.allCases)
    func everyJobFinishesAndInvariantsHoldThroughout(policy: SchedulingPolicy) throws {
        let report = try simulate(policy)
        #expect(report.jobs.unfinished == 0)
        #expect(report.jobs.completed + report.jobs.timedOut + report.jobs.rejected == report.jobs.submitted)
        #expect(report.invariantChecks > 100)
        #expect(report.gpuUtilization > 0 && report.gpuUtilization <= 1)
    }

    @Test func sameSeedGivesByteIdenticalJSON() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let a = try encoder.encode(try simulate(.backfill, check: false))
        let b = try encoder.encode(try simulate(.backfill, check: false))
        #expect(a == b)
    }

    @Test func backfillWaitsNoLongerThanFifoOnAverage() throws {
        let fifo = try simulate(.fifo, seed: 9, check: false)
        let backfill = try simulate(.backfill, seed: 9, check: false)
        #expect(backfill.waitSeconds.mean <= fifo.waitSeconds.mean)
    }

    @Test func jobsOverTheirTimeLimitAreStoppedAtIt() throws {
        let cluster = try ClusterPreset.superpod(gpus: 64).cluster()
        let jobs = [
            TraceJob(spec: JobSpec(gpus: 8, timeLimit: 100, submitTime: 0), runtime: 500),
            TraceJob(spec: JobSpec(gpus: 8, timeLimit: 100, submitTime: 0), runtime: 50),
        ]
        let report = try Simulator(
            cluster: cluster, clusterName: "tiny", workload: Workload(name: "t", jobs: jobs), policy: .fifo
        ).run()
        #expect(report.jobs.timedOut == 1)
        #expect(report.jobs.completed == 1)
        #expect(report.jctSeconds.max == 100)
    }

    @Test func boundedSlowdownIsAtLeastOneAndCountsTheWait() throws {
        let cluster = try ClusterPreset.superpod(gpus: 64).cluster()
        // A 3-second job alone (slowdown 1, not 3/10), then a 64-GPU job that waits 100 s behind a 100-second one.
        let jobs = [
            TraceJob(spec: JobSpec(gpus: 8, timeLimit: 10, submitTime: 0), runtime: 3),
            TraceJob(spec: JobSpec(gpus: 64, timeLimit: 100, submitTime: 1_000), runtime: 100),
            TraceJob(spec: JobSpec(gpus: 64, timeLimit: 100, submitTime: 1_000), runtime: 100),
        ]
        let report = try Simulator(
            cluster: cluster, clusterName: "tiny", workload: Workload(name: "t", jobs: jobs), policy: .fifo
        ).run()
        #expect(report.boundedSlowdown.p50 == 1)
        #expect(report.boundedSlowdown.max == 2)
        #expect(report.boundedSlowdown.mean == 4.0 / 3.0)
    }

    @Test func jobLargerThanTheClusterIsRejectedNotQueuedForever() throws {
        let cluster = try ClusterPreset.superpod(gpus: 64).cluster()
        let jobs = [TraceJob(spec: JobSpec(gpus: 128, timeLimit: 100, submitTime: 0), runtime: 50)]
        let report = try Simulator(
            cluster: cluster, clusterName: "tiny", workload: Workload(name: "t", jobs: jobs), policy: .backfill
        ).run()
        #expect(report.jobs.rejected == 1)
        #expect(report.jobs.unfinished == 0)
    }

    @Test func htmlReportHasItsThreeCharts() throws {
        let html = HTMLReport.render(try simulate(.backfill, gpus: 512, check: false))
        #expect(html.components(separatedBy: "<svg").count - 1 == 3)
        #expect(html.contains("GPU utilisation"))
        #expect(html.contains("Job completion time"))
    }
}
