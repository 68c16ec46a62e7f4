import MusterCore
import Testing

/// The researchers' policies: sjf and srtf (oracles, by time limit) and las (non-clairvoyant, by service received).
@Suite struct ResearchPolicyTests {
    static func job(_ id: JobID, gpus: Int = 8, limit: Seconds, submit: Seconds = 0, attained: Double = 0)
        -> PendingJob
    {
        var job = PendingJob(
            id: id, shape: GangShape(nodes: 1, gpusPerNode: gpus), submitTime: submit, timeLimit: limit)
        job.attained = attained
        return job
    }

    @Test func sjfStartsTheShortestFirstAndNeverPreempts() {
        var snapshot = Snapshot(cluster: testCluster(leaves: 1, nodesPerLeaf: 1))
        snapshot.pending = [Self.job(1, limit: 500, submit: 0), Self.job(2, limit: 100, submit: 5)]
        #expect(Scheduler(policy: .sjf).plan(&snapshot, now: 10).first?.jobID == 2)
        snapshot.pending.append(Self.job(3, limit: 10, submit: 20))
        let later = Scheduler(policy: .sjf).plan(&snapshot, now: 30)
        #expect(!later.contains { if case .preempt = $0 { true } else { false } })
    }

    @Test func srtfPreemptsAJobWithMoreTimeLeftAndOnlySuch() {
        var snapshot = Snapshot(cluster: testCluster(leaves: 1, nodesPerLeaf: 1))
        snapshot.pending = [Self.job(1, limit: 1_000)]
        _ = Scheduler(policy: .srtf).plan(&snapshot, now: 0)
        // At t=100 job 1 has 900 s left: a 950 s job waits, a 300 s one preempts it.
        snapshot.pending = [Self.job(2, limit: 950, submit: 100)]
        #expect(Scheduler(policy: .srtf).plan(&snapshot, now: 100).allSatisfy { $0.jobID != 1 })
        snapshot.pending.append(Self.job(3, limit: 300, submit: 100))
        let decisions = Scheduler(policy: .srtf).plan(&snapshot, now: 100)
        #expect(decisions.first == .preempt(1, by: 3))
        #expect(snapshot.running[3] != nil && snapshot.running[1] == nil)
    }

    @Test func lasPreemptsOnlyJobsOfALowerQueueAndKnowsNoRuntimes() {
        var snapshot = Snapshot(cluster: testCluster(leaves: 1, nodesPerLeaf: 1))
        snapshot.pending = [Self.job(1, limit: 100_000)]
        _ = Scheduler(policy: .las).plan(&snapshot, now: 0)
        // 8 GPUs x 400 s = 3,200 GPU-s: still queue 0, like a new job, so no preemption.
        snapshot.pending = [Self.job(2, limit: 5, submit: 400)]
        #expect(Scheduler(policy: .las).plan(&snapshot, now: 400).isEmpty == false)
        #expect(snapshot.running[1] != nil && snapshot.running[2] == nil)
        // At t=500 job 1 has 4,000 GPU-s: queue 1; a new job (queue 0) preempts it, whatever its time limit.
        snapshot.pending.append(Self.job(3, limit: 1_000_000, submit: 500))
        let decisions = Scheduler(policy: .las).plan(&snapshot, now: 500)
        #expect(decisions.first == .preempt(1, by: 2), "job 2 came first in queue 0 (FIFO within a queue)")
        #expect(SchedulingPolicy.lasQueue(3_599) == 0 && SchedulingPolicy.lasQueue(3_600) == 1)
        #expect(SchedulingPolicy.lasQueue(40_000) == 2)
    }

    @Test func theSimulatorResumesAPreemptedJobWhereItStopped() throws {
        var life = Lifecycle(
            cluster: testCluster(leaves: 1, nodesPerLeaf: 1),
            config: LifecycleConfig(policy: .las, retainEnded: false, explainWaits: false))
        _ = try life.submit(JobSpec(gpus: 8, timeLimit: 100_000), id: 0, now: 0)
        _ = life.plan(now: 0)
        _ = try life.submit(JobSpec(gpus: 8, timeLimit: 60), id: 1, now: 1_000)
        let directives = life.plan(now: 1_000)
        #expect(directives.contains(.assign(1, epoch: 1)) && life.preemptedInLastPass == [0])
        #expect(life.jobs[0]?.attained == 8_000 && life.jobs[0]?.state == .pending)
        #expect(life.why(0)?.contains("comes first under policy las") == true)
    }
}
