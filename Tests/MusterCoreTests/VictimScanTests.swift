import MusterCore
import Testing

/// The victim search (`Snapshot.preemptFor`) looks at a bounded number of running jobs
/// (`Snapshot.maxVictimScan`); what can never be a victim does not use up that bound.
@Suite struct VictimScanTests {
    typealias S = SharingTests

    @Test func jobsOfAClassNeverPreemptedDoNotUseUpTheVictimScan() {
        // `pinned` ranks below research, so the search would look at its jobs first, but never preempts them.
        let classes = S.classes + [ClassPolicy(name: "pinned", rank: 50, preemptible: false)]
        let pinned = Snapshot.maxVictimScan + 8
        let cluster = testCluster(leaves: 1, nodesPerLeaf: pinned / 8 + 1)
        var snapshot = Snapshot(cluster: cluster)
        snapshot.sharing = SharingState(
            policy: S.policy([TeamPolicy(name: "a", guarantee: 8), TeamPolicy(name: "b")], classes: classes),
            totalGPUs: cluster.totalGPUs)
        // Team b borrows every GPU: one 8-GPU research job, then the pinned 1-GPU jobs.
        var queue = [S.job(1, gpus: 8, team: "b", in: snapshot, priority: 100)]
        for i in 0..<pinned {
            queue.append(S.job(JobID(2 + i), gpus: 1, team: "b", in: snapshot, priority: 50, submit: 1))
        }
        snapshot.pending = PendingQueue(queue)
        let scheduler = Scheduler(policy: .priority)
        #expect(scheduler.plan(&snapshot, now: 0).count == pinned + 1)
        #expect(snapshot.cluster.freeTotal == 0)
        // Team a reclaims its guarantee from b's research job, found past all the pinned jobs.
        let claimant = JobID(pinned + 2)
        snapshot.pending = [S.job(claimant, gpus: 8, team: "a", in: snapshot, priority: 100, submit: 10)]
        let decisions = scheduler.plan(&snapshot, now: 20)
        #expect(decisions.first == .preempt(1, by: claimant))
        #expect(snapshot.running[claimant] != nil)
    }

    @Test func aGuaranteeWithNothingBorrowedByOthersPreemptsNothing() {
        var snapshot = S.snapshot(S.policy([TeamPolicy(name: "a", guarantee: 16)]), nodes: 2)
        snapshot.pending = PendingQueue([1, 2].map { S.job($0, gpus: 8, team: "a", in: snapshot, priority: 0) })
        let scheduler = Scheduler(policy: .backfill)
        #expect(scheduler.plan(&snapshot, now: 0).count == 2)
        // Within its guarantee, but its own team's lower class is not its to preempt (research may not preempt).
        snapshot.pending = [S.job(3, gpus: 8, team: "a", in: snapshot, priority: 100, submit: 5)]
        #expect(!scheduler.plan(&snapshot, now: 10).contains { if case .preempt = $0 { true } else { false } })
        #expect(snapshot.running.count == 2)
    }
}
