import MusterCore
import Testing

/// Job arrays (`--array 0-4%2`) through the lifecycle, without processes or sleeps.
@Suite struct LifecycleArrayTests {
    typealias T = LifecycleTests
    typealias D = LifecycleDependencyTests

    static func submitArray(_ life: inout Lifecycle, _ indices: [Int], cap: Int?, key: String? = nil, now: Double = 0)
        throws(LifecycleError) -> Lifecycle.SubmitOutcome
    {
        try life.submit(
            JobSpec(gpus: 1, timeLimit: 60), owner: "alice", idempotencyKey: key,
            array: Lifecycle.ArrayRequest(indices: indices, cap: cap), now: now)
    }

    static func running(_ life: Lifecycle, _ ids: [JobID]) -> [JobID] {
        ids.filter { life.jobs[$0]?.state == .running }
    }

    @Test func cappedArrayRunsAtMostCapTasksInIndexOrder() throws {
        var life = try T.live(["gpu-a"])
        let outcome = try Self.submitArray(&life, [0, 2, 4, 6, 8], cap: 2)
        let ids = (0..<5).map { outcome.id + JobID($0) }
        #expect(outcome.count == 5 && outcome.directives == [.storeJobs(ids), .wake])
        #expect(ids.map { life.jobs[$0]?.array?.index } == [0, 2, 4, 6, 8])
        #expect(ids.allSatisfy { life.jobs[$0]?.array?.parent == outcome.id })
        #expect(life.held == Set(ids.suffix(3)))
        #expect(life.jobs[ids[4]]?.reason?.hasPrefix("array cap reached: at most 2 tasks") == true)
        _ = life.plan(now: 0)
        #expect(Self.running(life, ids) == Array(ids.prefix(2)), "8 GPUs free, yet only 2 tasks run")

        let ended = D.finish(&life, ids[1], exitCode: 5, now: 3)
        #expect(ended.contains(.storeJobs([ids[2]])) && ended.contains(.wake))
        _ = life.plan(now: 3)
        #expect(Self.running(life, ids) == [ids[0], ids[2]], "a failed task frees its slot; the next index runs")
        // Cancelling a waiting task skips it.
        _ = try life.cancel(ids[3], by: Principal(user: "alice", admin: false), now: 4)
        _ = D.finish(&life, ids[0], exitCode: 0, now: 5)
        _ = life.plan(now: 5)
        #expect(Self.running(life, ids) == [ids[2], ids[4]])
        _ = D.finish(&life, ids[2], exitCode: 0, now: 6)
        _ = D.finish(&life, ids[4], exitCode: 0, now: 6)
        #expect(ids.map { life.jobs[$0]!.state } == [.completed, .failed, .completed, .cancelled, .completed])
        #expect(life.held.isEmpty)
    }

    @Test func uncappedArrayQueuesEveryTaskAndARetryReturnsTheSameArray() throws {
        var life = try T.live(["gpu-a"])
        let first = try Self.submitArray(&life, Array(0..<10), cap: nil, key: "k")
        #expect(first.count == 10 && life.held.isEmpty)
        _ = life.plan(now: 0)
        #expect(Self.running(life, (0..<10).map { first.id + JobID($0) }).count == 8, "as many as fit")
        let retry = try Self.submitArray(&life, Array(0..<10), cap: nil, key: "k", now: 1)
        #expect(!retry.created && retry.id == first.id && retry.count == 10)
        #expect(life.nextJobID == first.id + 10)
    }

    @Test func arrayBoundsAreRefusedNamingTheField() throws {
        var life = try T.live(["gpu-a"])
        for (indices, cap) in [
            ([], nil), ([3, 1], nil), ([1, 1], nil), ([-1], nil), ([ArrayTask.maxIndex + 1], nil), ([0, 1], 0),
            (Array(0...ArrayTask.maxTasks), nil),
        ] as [([Int], Int?)] {
            do {
                _ = try Self.submitArray(&life, indices, cap: cap)
                Issue.record("accepted \(indices.prefix(3)) cap \(String(describing: cap))")
            } catch {
                #expect(T.field(error) == "array")
            }
        }
        #expect(life.jobs.isEmpty)
    }

    /// After a restart the running tasks keep their slots and the next pending ones (by index) get the rest.
    @Test func restoreKeepsTheCap() throws {
        var life = try T.live(["gpu-a"])
        let outcome = try Self.submitArray(&life, Array(0..<4), cap: 2)
        let ids = (0..<4).map { outcome.id + JobID($0) }
        _ = life.plan(now: 0)
        _ = D.finish(&life, ids[0], exitCode: 0, now: 1)
        // Task 2 got the slot but the controller stopped before planning it.
        let (restored, _) = Lifecycle.restore(
            config: T.config, jobs: Array(life.jobs.values), nodes: Array(life.nodes.values), now: 2)
        #expect(restored.held == [ids[3]])
        #expect(restored.snapshot?.pending.map(\.id) == [ids[2]])
        var after = restored
        _ = after.plan(now: 2)
        #expect(Self.running(after, ids) == [ids[1], ids[2]])
    }
}
