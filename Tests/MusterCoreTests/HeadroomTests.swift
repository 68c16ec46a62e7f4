import MusterCore
import Testing

/// Headroom a team holds for its services (`TeamPolicy.headroom`) and how service replicas take GPUs from
/// preemptible training (issue: inference services).
@Suite struct HeadroomTests {
    typealias S = SharingTests

    /// Four 8-GPU nodes; team `serve` holds 8 GPUs of headroom, team `train` is guaranteed `trainGuarantee`.
    static func snapshot(headroom: Int = 8, trainGuarantee: Int = 0) -> Snapshot {
        S.snapshot(
            S.policy([
                TeamPolicy(name: "serve", headroom: headroom), TeamPolicy(name: "train", guarantee: trainGuarantee),
            ]), nodes: 4)
    }

    static func replica(_ id: JobID, gpus: Int = 8, in snapshot: Snapshot, submit: Seconds = 0) -> PendingJob {
        var job = S.job(id, gpus: gpus, team: "serve", in: snapshot, priority: 300, submit: submit)
        job.service = true
        return job
    }

    static func isReserve(_ d: Decision) -> Bool { if case .reserve = d { true } else { false } }

    @Test func workThatCannotBePreemptedLeavesTheHeadroomFree() {
        for policy in [SchedulingPolicy.priority, .backfill] {
            var snapshot = Self.snapshot()
            // Inference-class (non-preemptible) jobs of another team: three fit beside the 8 held back.
            snapshot.pending = PendingQueue(
                (1...4).map { S.job($0, gpus: 8, team: "train", in: snapshot, priority: 300, submit: $0) })
            var reasons: [JobID: WaitReason]? = [:]
            let started = Scheduler(policy: policy).plan(&snapshot, now: 10, reasons: &reasons).map(\.jobID)
            #expect(started == [1, 2, 3], "\(policy)")
            guard case .headroom(team: "serve", reserved: 8, usable: 0) = reasons?[4] else {
                Issue.record("\(policy): \(String(describing: reasons?[4]))")
                continue
            }
            #expect(reasons![4]!.description(now: 10).contains("headroom"))
        }
    }

    @Test func preemptibleWorkMayBorrowTheHeadroom() {
        var snapshot = Self.snapshot()
        snapshot.pending = PendingQueue(
            (1...4).map { S.job($0, gpus: 8, team: "train", in: snapshot, priority: 100, submit: $0) })
        #expect(Scheduler(policy: .backfill).plan(&snapshot, now: 10).map(\.jobID) == [1, 2, 3, 4])
        // Now nothing free and all of it preemptible: a non-preemptible job still may not start on headroom.
        #expect(snapshot.sharing!.preemptibleHeld == 32)
    }

    @Test func aReplicaTakesItsHeadroomBackFromAnotherTeamsGuaranteedPreemptibleJob() {
        for headroom in [0, 8] {
            var snapshot = Self.snapshot(headroom: headroom, trainGuarantee: 32)
            snapshot.pending = PendingQueue(
                (1...4).map {
                    S.job($0, gpus: 8, team: "train", in: snapshot, priority: 100, submit: $0)
                })
            let scheduler = Scheduler(policy: .backfill)
            #expect(scheduler.plan(&snapshot, now: 10).count == 4)
            snapshot.pending = [Self.replica(5, in: snapshot, submit: 20)]
            let decisions = scheduler.plan(&snapshot, now: 30)
            if headroom == 0 {
                #expect(
                    decisions.allSatisfy(Self.isReserve),
                    "without headroom another team's guaranteed job is never a victim")
            } else {
                #expect(decisions.count == 2, "\(decisions)")
                #expect(decisions.first == .preempt(4, by: 5), "the newest, losing the least: \(decisions)")
                #expect(snapshot.running[5]?.service == true)
                #expect(snapshot.sharing!.serviceHeld[snapshot.sharing!.quotas.team(named: "serve")] == 8)
                // The headroom is used: a second replica is ordinary inference work and finds no victim.
                snapshot.pending = [Self.replica(6, in: snapshot, submit: 31)]
                #expect(scheduler.plan(&snapshot, now: 40).allSatisfy(Self.isReserve))
            }
        }
    }

    @Test func aReplicaWithinItsHeadroomStartsWhereOtherServicesMayNot() {
        var snapshot = Self.snapshot(headroom: 16)
        snapshot.pending = [S.job(1, gpus: 8, team: "train", in: snapshot, priority: 300)]
        let scheduler = Scheduler(policy: .backfill)
        _ = scheduler.plan(&snapshot, now: 0)
        // 24 GPUs free, 16 held: one more non-preemptible job of train waits; serve's replica does not.
        var reasons: [JobID: WaitReason]? = [:]
        snapshot.pending = [
            S.job(2, gpus: 16, team: "train", in: snapshot, priority: 300, submit: 1),
            Self.replica(3, gpus: 8, in: snapshot, submit: 2), Self.replica(4, gpus: 8, in: snapshot, submit: 3),
        ]
        #expect(scheduler.plan(&snapshot, now: 10, reasons: &reasons).map(\.jobID) == [3, 4])
        if case .headroom = reasons?[2] {} else { Issue.record("\(String(describing: reasons?[2]))") }
        #expect(snapshot.sharing!.headroomLeft(snapshot.sharing!.quotas.team(named: "serve")) == 0)
        // The replicas end: the headroom is held again.
        snapshot.finish(3)
        snapshot.finish(4)
        #expect(snapshot.sharing!.headroomLeft(snapshot.sharing!.quotas.team(named: "serve")) == 16)
        #expect(snapshot.sharing!.serviceHeld.allSatisfy { $0 == 0 })
    }

    @Test func aReplicaPreemptsTheTrainingThatLosesTheLeastWork() {
        var snapshot = Self.snapshot()
        // Four 8-GPU preemptible jobs of train, all started at 0; checkpoints at 50, 95, 80, none.
        for (id, checkpoint) in [(JobID(1), Seconds(50)), (2, 95), (3, 80), (4, .min)] {
            var job = S.job(id, gpus: 8, team: "train", in: snapshot, priority: 100)
            job.submitTime = 0
            snapshot.start(job, on: Placement(nodes: [Int32(id - 1)], gpuMasks: [0xFF]), at: 0)
            var running = snapshot.running[id]!
            running.checkpoint = checkpoint
            snapshot.running.remove(id)
            snapshot.running.insert(running)
        }
        snapshot.pending = [Self.replica(5, in: snapshot, submit: 99)]
        let decisions = Scheduler(policy: .backfill).plan(&snapshot, now: 100)
        #expect(decisions.first == .preempt(2, by: 5), "job 2 checkpointed 5 s ago: \(decisions)")
        #expect(decisions.count == 2, "one replica of 8 GPUs takes one job's GPUs only")
    }

    @Test func theConfigFileReadsHeadroomAndRefusesItOnAnOrg() throws {
        let policy = try SharingConfigFile.parse("[team.ads/serving]\nheadroom = 16\n")
        #expect(policy.teams.first { $0.name == "ads/serving" }?.headroom == 16)
        #expect(throws: ConfigFileError.self) {
            try SharingConfigFile.parse("[team.ads]\nheadroom = 4\n[team.ads/serving]\nguarantee = 1\n")
        }
    }
}
