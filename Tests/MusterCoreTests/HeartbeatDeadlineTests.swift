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
}
