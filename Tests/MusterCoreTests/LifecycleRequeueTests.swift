import MusterCore
import Testing

/// Requeue (`--requeue`, `--max-restarts`): a job that loses ranks to a failure not its own goes back to the
/// queue, after a backoff and once its old attempt has stopped; its next attempt has a new epoch.
@Suite struct LifecycleRequeueTests {
    typealias T = LifecycleTests

    static func submit(_ life: inout Lifecycle, maxRestarts: Int, gpus: Int = 8) throws(LifecycleError) -> JobID {
        try life.submit(JobSpec(gpus: gpus, timeLimit: 3_600), owner: "alice", maxRestarts: maxRestarts, now: 0).id
    }

    @Test func jobOnANodeDeclaredDownIsRequeuedAndRestartsElsewhereAfterItsBackoff() throws {
        var life = try T.live(["gpu-a", "gpu-b"])
        let id = try Self.submit(&life, maxRestarts: 2)
        _ = life.plan(now: 0)
        let first = try #require(life.jobs[id]?.attempt)
        _ = life.taskStarted(T.rank(0, job: id), on: first.nodes[0], at: 1, now: 1)
        let other = first.nodes[0] == "gpu-a" ? "gpu-b" : "gpu-a"
        _ = try life.heartbeat(node: other, running: [], now: 11)
        // The node under it goes silent.
        let down = life.tick(now: 12)
        #expect(life.jobs[id]?.state == .pending && life.jobs[id]?.restarts == 1)
        #expect(life.jobs[id]?.reason?.hasPrefix("requeued (restart 1 of 2) after: node \(first.nodes[0])") == true)
        #expect(down.contains(.storeJobs([id])))
        #expect(life.held.contains(id) && life.holding.isEmpty, "its rank is lost with the node: GPUs back")
        _ = try life.heartbeat(node: other, running: [], now: 15)
        #expect(life.nextDeadline() == 22, "backoff: 10 s")
        #expect(life.plan(now: 15).isEmpty, "still in its backoff")
        let over = life.tick(now: 22)
        #expect(over.contains(.wake) && !life.held.contains(id))
        _ = life.plan(now: 22)
        let second = try #require(life.jobs[id]?.attempt)
        #expect(life.jobs[id]?.state == .running && second.epoch == first.epoch + 1 && second.nodes == [other])
    }

    @Test func lostStartRequeuesOnlyWhileRestartsRemainThenFails() throws {
        var life = try T.live(["gpu-a"])
        let id = try Self.submit(&life, maxRestarts: 1)
        _ = life.plan(now: 0)
        _ = try life.heartbeat(node: "gpu-a", running: [], now: 55)
        _ = life.tick(now: 61)
        #expect(life.jobs[id]?.state == .pending && life.jobs[id]?.restarts == 1)
        _ = try life.heartbeat(node: "gpu-a", running: [], now: 65)
        _ = life.tick(now: 71)
        _ = life.plan(now: 71)
        #expect(life.jobs[id]?.attempt?.epoch == 2)
        _ = try life.heartbeat(node: "gpu-a", running: [], now: 125)
        _ = life.tick(now: 132)
        #expect(life.jobs[id]?.state == .failed)
        #expect(life.jobs[id]?.reason?.hasSuffix("(all 1 restarts used)") == true)
    }

    @Test func aRequeuedJobWaitsForItsOldAttemptToStop() throws {
        var life = try T.live(["gpu-a", "gpu-b"])
        let id = try Self.submit(&life, maxRestarts: 3, gpus: 16)
        _ = life.plan(now: 0)
        for rank in 0..<2 {
            _ = life.taskStarted(T.rank(rank, job: id), on: life.jobs[id]!.attempt!.nodes[rank], at: 1, now: 1)
        }
        // One node's agent restarted and no longer runs its rank: the other rank must be stopped first.
        let lost = try life.heartbeat(node: "gpu-a", running: [], now: 5)
        #expect(life.jobs[id]?.state == .pending)
        #expect(T.kills(lost).map(\.nodes) == [["gpu-b"]])
        #expect(life.holding == [id])
        _ = try life.heartbeat(node: "gpu-a", running: [], now: 25)
        _ = try life.heartbeat(node: "gpu-b", running: [T.rank(1, job: id)], now: 25)
        _ = life.tick(now: 30)
        #expect(life.plan(now: 30).isEmpty, "backoff over, but its old rank still runs")
        #expect(life.why(id)?.hasPrefix("requeued (restart 1 of 3)") == true)
        let stopped = life.taskExited(T.rank(1, job: id), on: "gpu-b", exitCode: 143, reason: nil, at: 31, now: 31)
        #expect(stopped.contains(.wake) && life.holding.isEmpty && !life.held.contains(id))
        _ = life.plan(now: 31)
        #expect(life.jobs[id]?.state == .running && life.jobs[id]?.attempt?.epoch == 2)
    }

    @Test func withoutRestartsANodeFailureStillFailsTheJob() throws {
        var life = try T.live(["gpu-a"])
        let id = try Self.submit(&life, maxRestarts: 0)
        _ = life.plan(now: 0)
        _ = life.tick(now: 11)
        #expect(life.jobs[id]?.state == .failed && life.jobs[id]?.restarts == 0)
        do {
            _ = try Self.submit(&life, maxRestarts: 101)
            Issue.record("101 restarts accepted")
        } catch {
            #expect(T.field(error) == "max_restarts")
        }
    }
}
