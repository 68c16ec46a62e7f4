import MusterCore
import Testing

@testable import MusterSim

/// Failures injected through the lifecycle: the calibration against Llama 3's 16,384-GPU run, and what spares buy.
@Suite struct FailureTests {
    /// One 16,384-GPU job of `days` days of work on `gpus` GPUs, Llama 3's failure rate and mix, checkpoints every
    /// 20 min (Young's interval for a 1-minute write and the job's ~3 h between interruptions), 2-minute restarts.
    static func run(gpus: Int, days: Double, seed: UInt64 = 7) throws -> SimulationReport {
        let cluster = try ClusterPreset.superpod(gpus: gpus).cluster()
        let spec = JobSpec(name: "pretrain", gpus: 16_384, timeLimit: 365 * 86_400, submitTime: 0)
        let workload = Workload(name: "one job", jobs: [TraceJob(spec: spec, runtime: Seconds(days * 86_400))])
        var simulator = Simulator(
            cluster: cluster, clusterName: "superpod:\(gpus)", workload: workload, policy: .backfill, seed: seed)
        simulator.failures = .llama3
        simulator.checkpointInterval = 1_200
        simulator.restartOverhead = 120
        return try simulator.run()
    }

    @Test func llama3sRunGivesAbout419InterruptionsIn54DaysAndMoreThan90PercentETTR() throws {
        // 128 nodes (6 %) beyond the job: a failed node's repair never holds the job up.
        let report = try Self.run(gpus: 17_408, days: 50)
        let failures = try #require(report.failures)
        let job = try #require(failures.largeJobs.first)
        let wallDays = Double(report.makespanSeconds) / 86_400
        let per54Days = Double(job.interruptions) / wallDays * 54
        #expect(abs(per54Days - 419) < 419 * 0.12, "\(job.interruptions) interruptions in \(wallDays) days")
        #expect(job.ettr > 0.9 && job.ettr < 1, "ETTR \(job.ettr)")
        #expect(failures.lostGPUHours > 0 && report.jobs.completed == 1)
    }

    @Test func withoutSparesTheJobWaitsForRepairsAndLosesMore() throws {
        let spared = try Self.run(gpus: 17_408, days: 5)
        let bare = try Self.run(gpus: 16_384, days: 5)
        let (withSpares, without) = (spared.failures!.largeJobs[0].ettr, bare.failures!.largeJobs[0].ettr)
        #expect(without < withSpares - 0.1, "ETTR \(without) without spares, \(withSpares) with")
        #expect(bare.jobs.completed == 1, "it still finishes once nodes are repaired")
    }

    /// The same job on 17,408 GPUs beside a stream of two-day one-node jobs that take any node left idle, for five
    /// days: with a pool of 128 hot spares (1/17 of each leaf) or without one.
    static func busy(spares: SparePolicy?) throws -> SimulationReport {
        let cluster = try ClusterPreset.superpod(gpus: 17_408).cluster()
        var jobs = [
            TraceJob(
                spec: JobSpec(name: "pretrain", gpus: 16_384, timeLimit: 365 * 86_400, submitTime: 0),
                runtime: 60 * 86_400)
        ]
        for i in 1...720 {
            let spec = JobSpec(name: "side-\(i)", gpus: 8, timeLimit: 3 * 86_400, submitTime: Seconds(i * 600))
            jobs.append(TraceJob(spec: spec, runtime: 2 * 86_400))
        }
        var simulator = Simulator(
            cluster: cluster, clusterName: "superpod:17408", workload: Workload(name: "busy", jobs: jobs),
            policy: .backfill, seed: 11)
        simulator.failures = .llama3
        simulator.checkpointInterval = 1_200
        simulator.restartOverhead = 120
        simulator.spares = spares
        simulator.horizon = 5 * 86_400
        return try simulator.run()
    }

    @Test func aSparePoolRestartsTheGangAtOnceWhereIdleNodesWouldHaveBeenTaken() throws {
        let pooled = try Self.busy(spares: SparePolicy(share: 1.0 / 17))
        let bare = try Self.busy(spares: nil)
        let (p, b) = (try #require(pooled.failures), try #require(bare.failures))
        #expect(
            p.spares > 100 && p.spares <= 128 && p.restartsOnSpares > 0,
            "\(p.spares) spares, \(p.restartsOnSpares) restarts")
        #expect(b.spares == 0 && b.restartsOnSpares == 0)
        let (withPool, without) = (p.largeJobs[0].ettr, b.largeJobs[0].ettr)
        #expect(withPool > 0.85 && without < withPool - 0.1, "ETTR \(without) without a pool, \(withPool) with")
    }
}
