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

    /// Replays `jobs` on a 64-GPU superpod (8 nodes of 8).
    func replayOnTinyCluster(_ jobs: [TraceJob], policy: SchedulingPolicy = .fifo) throws -> (
        report: SimulationReport, outcomes: JobOutcomes
    ) {
        try Simulator(
            cluster: try ClusterPreset.superpod(gpus: 64).cluster(), clusterName: "tiny",
            workload: Workload(name: "t", jobs: jobs), policy: policy, checkInvariants: true
        ).replay()
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
        let jobs = [
            TraceJob(spec: JobSpec(gpus: 8, timeLimit: 100, submitTime: 0), runtime: 500),
            TraceJob(spec: JobSpec(gpus: 8, timeLimit: 100, submitTime: 0), runtime: 50),
        ]
        let report = try replayOnTinyCluster(jobs).report
        #expect(report.jobs.timedOut == 1)
        #expect(report.jobs.completed == 1)
        #expect(report.jctSeconds.max == 100)
    }

    @Test func boundedSlowdownIsAtLeastOneAndCountsTheWait() throws {
        // A 3-second job alone (slowdown 1, not 3/10), then a 64-GPU job that waits 100 s behind a 100-second one.
        let jobs = [
            TraceJob(spec: JobSpec(gpus: 8, timeLimit: 10, submitTime: 0), runtime: 3),
            TraceJob(spec: JobSpec(gpus: 64, timeLimit: 100, submitTime: 1_000), runtime: 100),
            TraceJob(spec: JobSpec(gpus: 64, timeLimit: 100, submitTime: 1_000), runtime: 100),
        ]
        let report = try replayOnTinyCluster(jobs).report
        #expect(report.boundedSlowdown.p50 == 1)
        #expect(report.boundedSlowdown.max == 2)
        #expect(report.boundedSlowdown.mean == 4.0 / 3.0)
    }

    @Test func perJobCSVAgreesWithTheReport() throws {
        let jobs = [
            TraceJob(spec: JobSpec(name: "a,b", gpus: 64, timeLimit: 100, submitTime: 0), runtime: 100),
            TraceJob(spec: JobSpec(name: "waits", gpus: 8, timeLimit: 50, submitTime: 10), runtime: 80),
            TraceJob(spec: JobSpec(name: "huge", gpus: 128, timeLimit: 100, submitTime: 20), runtime: 50),
        ]
        let (report, outcomes) = try replayOnTinyCluster(jobs)
        let lines = Array(outcomes.csvLines(Workload(name: "t", jobs: jobs)))
        #expect(lines.count == 4)
        #expect(lines[0] == JobOutcomes.header)
        #expect(lines[1] == "0,\"a,b\",default,,64,0,0,100,0,100,1.0,completed")
        // Waits 90 s for the 64-GPU job, then runs into its 50 s limit: JCT 140, slowdown 140/50.
        #expect(lines[2] == "1,waits,default,,8,10,100,150,90,140,2.8,timed_out")
        #expect(lines[3] == "2,huge,default,,128,20,,,,,,rejected")
        #expect(report.waitSeconds.mean == 45)
        #expect(report.jobs.timedOut == 1 && report.jobs.rejected == 1)
    }

    @Test func jobLargerThanTheClusterIsRejectedNotQueuedForever() throws {
        let jobs = [TraceJob(spec: JobSpec(gpus: 128, timeLimit: 100, submitTime: 0), runtime: 50)]
        let report = try replayOnTinyCluster(jobs, policy: .backfill).report
        #expect(report.jobs.rejected == 1)
        #expect(report.jobs.unfinished == 0)
    }

    /// Two 2-node partitions; `a` gets two 16-GPU jobs (the second must wait), `b` one 8-GPU job.
    func partitioned(_ policy: SchedulingPolicy, pooled: Bool = false, extra: [TraceJob] = []) throws
        -> SimulationReport
    {
        let a = try ClusterPreset.superpod(gpus: 16).cluster()
        let b = try ClusterPreset.superpod(gpus: 16).cluster()
        let jobs =
            [
                TraceJob(spec: JobSpec(gpus: 16, timeLimit: 100, submitTime: 0), runtime: 100, partition: "a"),
                TraceJob(spec: JobSpec(gpus: 16, timeLimit: 100, submitTime: 1), runtime: 100, partition: "a"),
                TraceJob(spec: JobSpec(gpus: 8, timeLimit: 100, submitTime: 2), runtime: 100, partition: "b"),
            ] + extra
        let workload = Workload(name: "t", jobs: jobs)
        if pooled {
            let both = try ClusterPreset.superpod(gpus: 32).cluster()
            return try Simulator(cluster: both, clusterName: "pool", workload: workload, policy: policy).run()
        }
        return try Simulator(
            partitions: [ClusterPartition(name: "a", cluster: a), ClusterPartition(name: "b", cluster: b)],
            clusterName: "two", workload: workload, policy: policy, checkInvariants: true
        ).run()
    }

    @Test(arguments: SchedulingPolicy.allCases)
    func jobsWaitForTheirOwnPartitionEvenWhenAnotherIsIdle(policy: SchedulingPolicy) throws {
        let split = try partitioned(policy)
        // The second `a` job waits 99 s for the first although `b` has 8 GPUs idle. Pooled, it starts at once and
        // fills the pool, so it is `b`'s job that waits (98 s).
        #expect(split.waitSeconds.max == 99)
        #expect(split.cluster.partitions == ["a", "b"])
        #expect(split.cluster.gpus == 32)
        let pooled = try partitioned(policy, pooled: true)
        #expect(pooled.waitSeconds.max == 98)
        #expect(pooled.cluster.partitions == nil)
    }

    @Test(arguments: SchedulingPolicy.allCases)
    func aBlockedPartitionDoesNotHoldUpAnother(policy: SchedulingPolicy) throws {
        // `b`'s job arrives after `a`'s second job is stuck at the head of `a`'s queue; even under strict FIFO it
        // starts at once, because each partition is its own queue. Waits: 0, 99, 0.
        let report = try partitioned(policy)
        #expect(report.waitSeconds.p50 == 0)
        #expect(report.waitSeconds.mean == 33)
    }

    @Test func jobsOfAnUnknownPartitionRunInTheDefaultAndAreCounted() throws {
        let report = try partitioned(
            .fifo,
            extra: [
                TraceJob(spec: JobSpec(gpus: 8, timeLimit: 100, submitTime: 3), runtime: 100, partition: "nope"),
                TraceJob(spec: JobSpec(gpus: 8, timeLimit: 100, submitTime: 3), runtime: 100),
            ])
        #expect(report.jobs.unknownPartition == 1)
        #expect(report.jobs.completed == 5)
        // Both land in `a` (the default), which is busy until t=200: they wait behind its second job.
        #expect(report.waitSeconds.max == 197)
    }

    @Test(arguments: [(0.3, 0.5), (1.0, 1.0), (1.2, 2.0), (21.7, 25.0), (27.75, 50.0), (180.0, 200.0), (0.0, 1.0)])
    func chartAxesStepInRoundNumbers(raw: Double, step: Double) {
        #expect(abs(SVGLineChart.niceStep(raw) - step) < 1e-9)
    }

    @Test func htmlReportHasItsFourCharts() throws {
        let html = HTMLReport.render(try simulate(.backfill, gpus: 512, check: false))
        #expect(html.components(separatedBy: "<svg").count - 1 == 4)
        #expect(html.contains("GPU utilisation"))
        #expect(html.contains("Facility power (h100, PUE 1.2)"))
        #expect(html.contains("Job completion time"))
    }

    /// Facility power follows the busy GPUs: idle nodes draw their other parts and idle GPUs, a busy GPU its
    /// typical draw, all times the PUE.
    @Test func facilityPowerFollowsTheBusyGPUs() throws {
        let report = try simulate(.backfill, gpus: 512, check: false)
        let power = try #require(report.power)
        #expect(power.model == "h100" && power.facilityMW.count == report.series.utilization.count)
        let idle = PowerModel.h100.itWatts(gpus: 512, busy: 0) * 1.2 / 1e6
        let full = PowerModel.h100.itWatts(gpus: 512, busy: 512) * 1.2 / 1e6
        #expect(power.lowMW >= idle - 0.01 && power.peakMW <= full + 0.01 && power.lowMW <= power.peakMW)
        for (u, mw) in zip(report.series.utilization, power.facilityMW) {
            let expected = PowerModel.h100.itWatts(gpus: 512, busy: Int((u * 512).rounded())) * 1.2 / 1e6
            #expect(abs(mw - expected) <= 0.006, "utilisation \(u): \(mw) MW, expected \(expected)")
        }
    }
}
