import MusterCore
import Testing

/// Dependencies (`--dependency=afterok:JOB` ...) through the lifecycle, without processes or sleeps.
@Suite struct LifecycleDependencyTests {
    typealias T = LifecycleTests

    static let spec = JobSpec(gpus: 1, timeLimit: 60)

    /// Submits a 1-GPU job of alice's.
    static func submit(_ life: inout Lifecycle, after dependencies: [JobDependency] = [], now: Double = 0)
        throws(LifecycleError)
        -> JobID
    {
        try life.submit(spec, owner: "alice", dependencies: dependencies, now: now).id
    }

    /// Starts and ends every rank of job `id` (one rank) with `exitCode`.
    static func finish(_ life: inout Lifecycle, _ id: JobID, exitCode: Int32, now: Double) -> [Directive] {
        let node = life.jobs[id]!.attempt!.nodes[0]
        _ = life.taskStarted(T.rank(0, job: id), on: node, at: now, now: now)
        return life.taskExited(T.rank(0, job: id), on: node, exitCode: exitCode, reason: nil, at: now, now: now)
    }

    @Test func afterokJobIsHeldUntilItsDependencyCompletesThenRuns() throws {
        var life = try T.live(["gpu-a"])
        let first = try Self.submit(&life)
        let second = try Self.submit(&life, after: [JobDependency(.afterok, first)])
        #expect(life.held == [second])
        #expect(life.jobs[second]?.reason == "waiting on dependency afterok:\(first): job \(first) to complete")
        _ = life.plan(now: 0)
        #expect(life.jobs[first]?.state == .running)
        #expect(life.jobs[second]?.state == .pending, "held even though GPUs are free")

        let ended = Self.finish(&life, first, exitCode: 0, now: 5)
        #expect(ended.contains(.storeJobs([second])) && ended.contains(.wake))
        #expect(life.held.isEmpty && life.jobs[second]?.reason == nil)
        _ = life.plan(now: 5)
        #expect(life.jobs[second]?.state == .running)
    }

    @Test func failedDependencyCancelsTheChainWithReasons() throws {
        var life = try T.live(["gpu-a"])
        let first = try Self.submit(&life)
        let second = try Self.submit(&life, after: [JobDependency(.afterok, first)])
        let third = try Self.submit(&life, after: [JobDependency(.afterok, second)])
        let cleanup = try Self.submit(&life, after: [JobDependency(.afterany, first)])
        let onFailure = try Self.submit(&life, after: [JobDependency(.afternotok, first)])
        _ = life.plan(now: 0)
        let ended = Self.finish(&life, first, exitCode: 2, now: 7)
        #expect(life.jobs[first]?.state == .failed)
        #expect(life.jobs[second]?.state == .cancelled)
        #expect(
            life.jobs[second]?.reason == "dependency afterok:\(first) can never be satisfied: job \(first) failed")
        #expect(life.jobs[third]?.state == .cancelled)
        #expect(life.jobs[third]?.reason?.contains("afterok:\(second)") == true)
        #expect(life.jobs[second]?.endTime == 7)
        for id in [second, third] { #expect(ended.contains(.storeJobs([id]))) }
        // afterany and afternotok are satisfied by the failure.
        #expect(life.held.isEmpty)
        _ = life.plan(now: 7)
        #expect(life.jobs[cleanup]?.state == .running && life.jobs[onFailure]?.state == .running)
    }

    @Test func afterWaitsOnlyForItsDependencyToStart() throws {
        var life = try T.live(["gpu-a"])
        let first = try Self.submit(&life)
        let second = try Self.submit(&life, after: [JobDependency(.after, first)])
        #expect(life.held == [second])
        let planned = life.plan(now: 0)
        #expect(life.jobs[first]?.state == .running)
        #expect(life.held.isEmpty && planned.contains(.wake))
        _ = life.plan(now: 0)
        #expect(life.jobs[second]?.state == .running)
    }

    @Test func dependencyOnAnUnknownForeignOrHopelessJobIsRefused() throws {
        var life = try T.live(["gpu-a"])
        let mine = try Self.submit(&life)
        let bobs = try life.submit(Self.spec, owner: "bob", now: 0).id
        _ = life.plan(now: 0)
        _ = Self.finish(&life, mine, exitCode: 1, now: 1)

        #expect(throws: LifecycleError.self) { try Self.submit(&life, after: [JobDependency(.afterok, 999)]) }
        do {
            _ = try Self.submit(&life, after: [JobDependency(.afterok, 999)])
        } catch {
            #expect(T.field(error) == "dependencies[0].job_id")
        }
        do {
            _ = try Self.submit(&life, after: [JobDependency(.afterany, bobs)])
            Issue.record("depending on another user's job was accepted")
        } catch {
            #expect(T.kind(error) == "forbidden")
        }
        // An admin may.
        #expect(throws: Never.self) {
            _ = try life.submit(
                Self.spec, owner: "root", dependencies: [JobDependency(.afterany, bobs)], admin: true, now: 2)
        }
        do {
            _ = try Self.submit(&life, after: [JobDependency(.afterok, mine)])
            Issue.record("afterok on a failed job was accepted")
        } catch {
            #expect(T.kind(error) == "conflict")
        }
        // Already satisfied: queued at once.
        let next = try Self.submit(&life, after: [JobDependency(.afternotok, mine)], now: 3)
        #expect(!life.held.contains(next) && life.jobs[next]?.reason == nil)
        let tooMany = (0...JobDependency.maxPerJob).map { _ in JobDependency(.afterany, mine) }
        do {
            _ = try Self.submit(&life, after: tooMany)
        } catch {
            #expect(T.field(error) == "dependencies")
        }
    }

    @Test func cancellingAHeldJobEndsIt() throws {
        var life = try T.live(["gpu-a"])
        let first = try Self.submit(&life)
        let second = try Self.submit(&life, after: [JobDependency(.afterok, first)])
        _ = try life.cancel(second, by: Principal(user: "alice", admin: false), now: 1)
        #expect(life.jobs[second]?.state == .cancelled && life.held.isEmpty)
        _ = life.plan(now: 1)
        _ = Self.finish(&life, first, exitCode: 0, now: 2)
        #expect(life.jobs[second]?.state == .cancelled)
    }

    /// After a restart a held job stays held; one whose dependency ended while the controller was down is
    /// queued or cancelled.
    @Test func restoreHoldsReleasesAndCancelsByTheStoredStates() throws {
        var life = try T.live(["gpu-a"])
        let running = try Self.submit(&life)
        let waiting = try Self.submit(&life, after: [JobDependency(.afterok, running)])
        let done = try Self.submit(&life)
        let failed = try Self.submit(&life)
        _ = life.plan(now: 0)
        // Held behind jobs that will have ended by the restart.
        let released = try Self.submit(&life, after: [JobDependency(.afterok, done)])
        let hopeless = try Self.submit(&life, after: [JobDependency(.afterok, failed)])
        var rows = life.jobs
        rows[done]!.restore(state: .completed)
        rows[failed]!.restore(state: .failed)
        let (restored, directives) = Lifecycle.restore(
            config: T.config, jobs: Array(rows.values), nodes: Array(life.nodes.values), now: 10)
        #expect(restored.held == [waiting])
        #expect(restored.jobs[released]?.state == .pending && restored.jobs[released]?.reason == nil)
        #expect(restored.snapshot?.pending.map(\.id).contains(released) == true)
        #expect(restored.snapshot?.pending.map(\.id).contains(waiting) == false)
        #expect(restored.jobs[hopeless]?.state == .cancelled)
        #expect(directives.contains(.storeJobs([hopeless])))
    }

    /// As in Slurm, a dependency on an array's id is about all of its tasks.
    @Test func dependencyOnAnArrayWaitsForEveryTask() throws {
        var life = try T.live(["gpu-a"])
        let array = try life.submit(
            Self.spec, owner: "alice", array: Lifecycle.ArrayRequest(indices: [0, 1, 2], cap: nil), now: 0
        ).id
        let afterAll = try Self.submit(&life, after: [JobDependency(.afterok, array)])
        let cleanup = try Self.submit(&life, after: [JobDependency(.afterany, array)])
        _ = life.plan(now: 0)
        _ = Self.finish(&life, array, exitCode: 0, now: 1)
        _ = Self.finish(&life, array + 1, exitCode: 0, now: 2)
        #expect(life.held == [afterAll, cleanup], "one task still runs")
        #expect(life.why(afterAll)?.contains("(a task of array \(array))") == true)
        _ = Self.finish(&life, array + 2, exitCode: 0, now: 3)
        #expect(life.held.isEmpty)

        let failing = try life.submit(
            Self.spec, owner: "alice", array: Lifecycle.ArrayRequest(indices: [0, 1], cap: nil), now: 4
        ).id
        let doomed = try Self.submit(&life, after: [JobDependency(.afterok, failing)], now: 4)
        _ = life.plan(now: 4)
        _ = Self.finish(&life, failing + 1, exitCode: 1, now: 5)
        #expect(life.jobs[doomed]?.state == .cancelled, "one failed task is enough")
        #expect(life.jobs[doomed]?.reason?.contains("job \(failing + 1) failed (a task of array \(failing))") == true)
    }
}
