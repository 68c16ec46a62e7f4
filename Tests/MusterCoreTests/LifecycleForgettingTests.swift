import MusterCore
import Testing

/// Ended jobs leave the lifecycle `keepEnded` after they end (the controller's store answers for them then),
/// except while a held job depends on them; forgotten ones can be recalled for a new dependency.
@Suite struct LifecycleForgettingTests {
    typealias T = LifecycleTests
    typealias D = LifecycleDependencyTests

    /// A live lifecycle on one node that keeps ended jobs `keep` seconds.
    static func live(keep: Double) throws -> Lifecycle {
        var config = T.config
        config.keepEnded = keep
        var life = Lifecycle(config: config)
        _ = try life.register(T.inventory("gpu-a"), now: 0)
        return life
    }

    @Test func endedJobIsForgottenKeepEndedAfterItEndsWithItsIdempotencyKey() throws {
        var life = try Self.live(keep: 300)
        let job = try life.submit(D.spec, owner: "alice", idempotencyKey: "k1", now: 0).id
        let other = try D.submit(&life)
        _ = life.plan(now: 0)
        _ = D.finish(&life, job, exitCode: 0, now: 10)
        #expect(life.jobs[job]?.state == .completed)
        #expect(life.nextDeadline().map { $0 <= 310 } == true, "the loop wakes to forget it")
        #expect(life.forgetEnded(now: 309) == 0)
        #expect(life.jobs[job] != nil && life.jobID(owner: "alice", idempotencyKey: "k1") == job)
        #expect(life.forgetEnded(now: 310, unless: { $0 == job }) == 0, "not durable yet: kept")
        #expect(life.forgetEnded(now: 311) == 1)
        #expect(life.jobs[job] == nil && !life.jobOrder.contains(job))
        #expect(life.jobID(owner: "alice", idempotencyKey: "k1") == nil)
        #expect(life.jobs[other] != nil, "an active job stays")
        #expect(life.forgetEnded(now: 10_000) == 0)
    }

    @Test func endedJobAHeldJobDependsOnStaysUntilTheHeldJobNoLongerWaits() throws {
        var life = try Self.live(keep: 60)
        let first = try D.submit(&life)
        let second = try D.submit(&life)
        let third = try D.submit(&life, after: [JobDependency(.afterok, first), JobDependency(.afterok, second)])
        _ = life.plan(now: 0)
        _ = D.finish(&life, first, exitCode: 0, now: 1)
        #expect(life.held == [third])
        #expect(life.forgetEnded(now: 100) == 0, "third still waits on second and must see first's outcome")
        #expect(life.jobs[first] != nil)
        _ = life.plan(now: 100)
        _ = D.finish(&life, second, exitCode: 0, now: 101)
        #expect(life.held.isEmpty)
        #expect(life.forgetEnded(now: 150) == 0, "first was looked at again at 100: next at 160")
        #expect(life.forgetEnded(now: 200) == 2)
        #expect(life.jobs[first] == nil && life.jobs[second] == nil && life.jobs[third] != nil)
    }

    @Test func forgottenDependencyIsRecalledAndThenDecidesTheNewJob() throws {
        var life = try Self.live(keep: 5)
        let failed = try D.submit(&life)
        let done = try D.submit(&life)
        _ = life.plan(now: 0)
        _ = D.finish(&life, failed, exitCode: 1, now: 1)
        _ = life.plan(now: 1)
        _ = D.finish(&life, done, exitCode: 0, now: 2)
        #expect(life.forgetEnded(now: 10) == 2)
        let after = [JobDependency(.afterok, done)]
        #expect(life.forgottenJobs(in: after + [JobDependency(.afterok, 99)]) == [done], "99 never existed")
        #expect(throws: LifecycleError.self) { try D.submit(&life, after: after, now: 10) }
        let stored = [try #require(Self.ended(done, .completed)), try #require(Self.ended(failed, .failed))]
        life.recall(stored, now: 10)
        #expect(life.jobOrder == [failed, done])
        let next = try D.submit(&life, after: after, now: 10)
        #expect(life.held.isEmpty && life.jobs[next]?.state == .pending, "afterok on a completed job holds")
        #expect(throws: LifecycleError.self) {
            try D.submit(&life, after: [JobDependency(.afterok, failed)], now: 10)
        }
        #expect(life.forgetEnded(now: 15) == 2, "recalled jobs are forgotten again")
    }

    @Test func restoreStartsIdsAfterTheStoresHighestAndForgetsLoadedEndedJobs() throws {
        var config = T.config
        config.keepEnded = 30
        let ended = try #require(Self.ended(7, .completed))
        let (life, _) = Lifecycle.restore(config: config, jobs: [ended], nodes: [], nextJobID: 1_001, now: 50)
        #expect(life.nextJobID == 1_001)
        var restored = life
        #expect(restored.forgetEnded(now: 79) == 0)
        #expect(restored.forgetEnded(now: 80) == 1)
    }

    @Test func fairShareAfterARestartCountsTheStoresSumsOfEndedJobsAsTheJobsThemselves() throws {
        var config = T.config
        config.sharing = SharingPolicy()
        var jobs: [Job] = []
        for id in 1...3 as ClosedRange<JobID> {
            var job = try #require(Self.ended(id, .completed))
            var attempt = Attempt(
                epoch: 1, nodes: ["gpu-a"], gpus: [[0]], tasksPerNode: 1, scheduledAt: 0, masterPort: 20_000)
            attempt.startedAt = Double(id) * 1_000
            attempt.ranks[0] = RankState(started: true, exitCode: 0, exitedAt: Double(id) * 1_000 + 500)
            job.attempt = attempt
            job.endTime = Double(id) * 1_000 + 500
            jobs.append(job)
        }
        let now = 10_000.0
        let (loaded, _) = Lifecycle.restore(config: config, jobs: jobs, nodes: [], now: now)
        let sums = jobs.map { EndedUse(team: $0.spec.team, end: $0.endTime!, gpuSeconds: 500) }
        // Only the first job in memory (a dependency's target): counted once, from the sums.
        let (summed, _) = Lifecycle.restore(config: config, jobs: [jobs[0]], nodes: [], endedUse: sums, now: now)
        #expect(loaded.fairShare.usage.reduce(0, +) > 0)
        #expect(summed.fairShare.usage == loaded.fairShare.usage)
    }

    /// An ended 1-GPU job of alice's, as the store returns it.
    static func ended(_ id: JobID, _ state: JobState) -> Job? {
        var job = Job(
            id: id, spec: D.spec, shape: GangShape(nodes: 1, gpusPerNode: 1), tasksPerNode: 1, owner: "alice",
            launch: nil, state: state, submittedAt: 0)
        job.endTime = 1
        return job
    }
}
