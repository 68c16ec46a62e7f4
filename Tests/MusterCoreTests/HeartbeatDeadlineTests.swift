import MusterCore
import Testing

/// Heartbeat deadlines come from the heard queue: the next one is the oldest live heartbeat, and `tick` finds
/// exactly the silent nodes.
@Suite struct HeartbeatDeadlineTests {
    typealias T = LifecycleTests

    @Test func nextDeadlineIsTheOldestLiveHeartbeatAndTickFindsExactlyTheSilentNodes() throws {
        let names = (0..<100).map { "n\($0)" }
        var life = try T.live(names)
        for t in 1...5 {
            for (i, name) in names.enumerated() where i % 10 != 0 {
                _ = try life.heartbeat(node: name, running: [], now: Double(t))
            }
        }
        #expect(life.nextDeadline() == 10, "n0, n10, ... were last heard at 0")
        let down = life.tick(now: 10.5)
        let silent = names.enumerated().filter { $0.offset % 10 == 0 }.map(\.element)
        #expect(Set(life.nodes.values.filter { $0.health == .down }.map(\.name)) == Set(silent))
        #expect(
            down.filter { if case .storeNodes = $0 { true } else { false } }
                == silent.sorted().map { .storeNodes([$0]) })
        #expect(life.nextDeadline() == 15)
        // A time out of order (a test's clock) still counts.
        _ = try life.heartbeat(node: "n1", running: [], now: 4)
        #expect(life.nextDeadline() == 14)
        // A down node that is heard again is watched again.
        _ = try life.heartbeat(node: "n0", running: [], now: 12)
        #expect(life.nodes["n0"]?.health == .up)
        _ = life.tick(now: 14.5)
        #expect(life.nodes["n1"]?.health == .down && life.nodes["n0"]?.health == .up)
        #expect(life.nextDeadline() == 15)
    }

    @Test func attemptDeadlinesComeFromTheHeapAndOnlyDueAttemptsAreLookedAt() throws {
        var life = try T.live(["gpu-a"])
        let ids = try (0..<3).map { _ in
            try life.submit(JobSpec(gpus: 1, timeLimit: 100), owner: "alice", now: 0).id
        }
        _ = life.plan(now: 0)
        for id in ids.prefix(2) { _ = life.taskStarted(T.rank(0, job: id), on: "gpu-a", at: 2, now: 2) }
        _ = try life.heartbeat(node: "gpu-a", running: ids.prefix(2).map { T.rank(0, job: $0) }, now: 55)
        #expect(life.nextDeadline() == 60, "the third job's start deadline")
        _ = life.tick(now: 61)
        #expect(life.jobs[ids[2]]?.state == .failed && life.jobs[ids[0]]?.state == .running)
        #expect(life.nextDeadline() == 65, "next: the node's heartbeat deadline")
        _ = try life.heartbeat(node: "gpu-a", running: ids.prefix(2).map { T.rank(0, job: $0) }, now: 130)
        #expect(life.nextDeadline() == 137, "started at 2: time limit 100 + grace 5 + slack 30")
        _ = life.tick(now: 138)
        #expect(ids.prefix(2).allSatisfy { life.jobs[$0]?.state == .failed })
        #expect(life.jobs[ids[0]]?.reason?.hasPrefix("time limit of 100 s reached") == true)
        #expect(life.nextDeadline() == 140)
    }
}
