import MusterCore
import Testing

/// `muster drain` / `muster resume`, through the lifecycle.
@Suite struct LifecycleDrainTests {
    typealias T = LifecycleTests
    static let admin = Principal(user: "root", admin: true)

    @Test func drainedNodeTakesNoNewWorkUntilResumedAndItsJobsFinish() throws {
        var life = try T.live(["gpu-a"])
        let running = try life.submit(JobSpec(gpus: 4, timeLimit: 600), owner: "alice", now: 0).id
        _ = life.plan(now: 0)
        let drained = try life.drain("gpu-a", reason: "fan failing", now: false, by: Self.admin, at: 1)
        #expect(drained == [.storeNodes(["gpu-a"])])
        #expect(life.nodes["gpu-a"]?.drainReason == "fan failing" && life.nodes["gpu-a"]?.schedulable == false)
        let waiting = try life.submit(JobSpec(gpus: 1, timeLimit: 600), owner: "alice", now: 2).id
        _ = life.plan(now: 2)
        #expect(life.jobs[running]?.state == .running, "a plain drain lets jobs finish")
        #expect(life.jobs[waiting]?.state == .pending)
        #expect(try life.resume("gpu-a", by: Self.admin) == [.storeNodes(["gpu-a"]), .wake])
        _ = life.plan(now: 3)
        #expect(life.jobs[waiting]?.state == .running)
    }

    @Test func drainNowStopsItsJobsRequeueingThoseThatMayBe() throws {
        var life = try T.live(["gpu-a", "gpu-b"])
        let plain = try life.submit(JobSpec(gpus: 8, timeLimit: 600), owner: "alice", now: 0).id
        let requeueable = try life.submit(JobSpec(gpus: 8, timeLimit: 600), owner: "bob", maxRestarts: 1, now: 0).id
        _ = life.plan(now: 0)
        let node = life.jobs[plain]!.attempt!.nodes[0]
        let other = life.jobs[requeueable]!.attempt!.nodes[0]
        let first = try life.drain(node, reason: "maintenance", now: true, by: Self.admin, at: 1)
        #expect(life.jobs[plain]?.state == .failed)
        #expect(life.jobs[plain]?.reason == "node \(node) was drained now by root: maintenance")
        #expect(T.kills(first).map(\.nodes) == [[node]])
        _ = try life.drain(other, reason: "maintenance", now: true, by: Self.admin, at: 2)
        #expect(life.jobs[requeueable]?.state == .pending && life.jobs[requeueable]?.restarts == 1)
    }

    @Test func onlyAdminsDrainKnownNodesWithAPrintableReason() throws {
        var life = try T.live(["gpu-a"])
        let alice = Principal(user: "alice", admin: false)
        #expect(throws: LifecycleError.self) { _ = try life.drain("gpu-a", reason: "x", now: false, by: alice, at: 0) }
        #expect(throws: LifecycleError.self) {
            _ = try life.drain("nope", reason: "x", now: false, by: Self.admin, at: 0)
        }
        for bad in ["", "line\nbreak", String(repeating: "x", count: 257)] {
            do {
                _ = try life.drain("gpu-a", reason: bad, now: false, by: Self.admin, at: 0)
                Issue.record("reason \(bad.prefix(10)) accepted")
            } catch {
                #expect(T.field(error) == "reason")
            }
        }
        #expect(throws: LifecycleError.self) { _ = try life.resume("gpu-a", by: Self.admin) }
    }

    @Test func aDrainSurvivesARestart() throws {
        var life = try T.live(["gpu-a"])
        _ = try life.drain("gpu-a", reason: "bad GPU 3", now: false, by: Self.admin, at: 1)
        let (restored, _) = Lifecycle.restore(config: T.config, jobs: [], nodes: Array(life.nodes.values), now: 5)
        #expect(restored.nodes["gpu-a"]?.drainReason == "bad GPU 3")
        var after = restored
        let id = try after.submit(JobSpec(gpus: 1, timeLimit: 60), owner: "alice", now: 6).id
        _ = after.plan(now: 6)
        #expect(after.jobs[id]?.state == .pending)
    }

    @Test func failingHealthCheckDrainsTheNodeAndRequeuesItsJobs() throws {
        var life = try T.live(["gpu-a", "gpu-b"])
        let id = try life.submit(JobSpec(gpus: 8, timeLimit: 600), owner: "alice", maxRestarts: 1, now: 0).id
        _ = life.plan(now: 0)
        let node = life.jobs[id]!.attempt!.nodes[0]
        _ = life.taskStarted(T.rank(0, job: id), on: node, at: 1, now: 1)
        let sick = try life.heartbeat(
            node: node, running: [T.rank(0, job: id)], healthFailure: "exit 1: GPU 3\u{1b}[31m fell off", now: 2)
        #expect(life.nodes[node]?.drainReason == "health check failed: exit 1: GPU 3 [31m fell off")
        #expect(life.jobs[id]?.state == .pending && life.jobs[id]?.restarts == 1)
        #expect(T.kills(sick).map(\.nodes) == [[node]])
        // Still failing, its old rank gone: the drain stays as it was, the job is not requeued twice.
        _ = try life.heartbeat(node: node, running: [], healthFailure: "exit 1: again", now: 3)
        #expect(life.nodes[node]?.drainReason?.hasSuffix("fell off") == true)
        #expect(life.jobs[id]?.restarts == 1 && life.holding.isEmpty)
    }
}
