import MusterCore
import Testing

/// The service autoscaler: a steady window, panic on a load step, one-at-a-time scale-down, no oscillation.
@Suite struct AutoscalerTests {
    /// 1 to 8 replicas sized for 4 in-flight requests each.
    static func scaler(min: Int = 1, max: Int = 8) -> Autoscaler {
        Autoscaler(policy: AutoscalePolicy(minReplicas: min, maxReplicas: max, targetInflight: 4))
    }

    /// Feeds a sample every second from `from` to `to` and returns the decisions, applying each.
    static func run(
        _ scaler: inout Autoscaler, replicas: inout Int, from: Int, to: Int, load: (Int) -> Double
    ) -> [(time: Int, replicas: Int, reason: Autoscaler.Reason)] {
        var changes: [(Int, Int, Autoscaler.Reason)] = []
        for t in from...to {
            scaler.record(inflight: load(t), at: Double(t))
            let (next, why) = scaler.decide(replicas: replicas, now: Double(t))
            if next != replicas { changes.append((t, next, why)) }
            replicas = next
        }
        return changes
    }

    @Test func aConstantLoadKeepsTheCountConstant() {
        var scaler = Self.scaler()
        var replicas = 3
        let changes = Self.run(&scaler, replicas: &replicas, from: 0, to: 600) { _ in 11 }
        #expect(changes.isEmpty && replicas == 3, "11 in flight need 3 replicas of 4: \(changes)")
        // A load that hovers around a boundary does not flap either: it scales up once, and never back down while
        // the window's mean still wants the larger count.
        var flapping = Self.scaler()
        replicas = 3
        let swings = Self.run(&flapping, replicas: &replicas, from: 0, to: 600) { t in t % 2 == 0 ? 11 : 14 }
        #expect(swings.count == 1 && replicas == 4, "\(swings)")
    }

    @Test func aLoadStepScalesUpAtOnceInPanicAndTheSteadyWindowFollows() {
        var scaler = Self.scaler()
        var replicas = 1
        _ = Self.run(&scaler, replicas: &replicas, from: 0, to: 60) { _ in 3 }
        #expect(replicas == 1)
        // From 3 to 24 in flight: the 2 s window sees 6x the capacity of one replica.
        let changes = Self.run(&scaler, replicas: &replicas, from: 61, to: 90) { _ in 24 }
        let first = changes.first
        #expect(first?.reason == .panic && first!.time <= 62, "\(changes)")
        #expect(replicas == 6, "24 in flight / 4 each")
        #expect(!changes.contains { $0.reason == .down })
    }

    @Test func scaleDownIsOneReplicaAtATimeAfterTheDelay() {
        var scaler = Self.scaler()
        var replicas = 6
        _ = Self.run(&scaler, replicas: &replicas, from: 0, to: 30) { _ in 24 }
        let changes = Self.run(&scaler, replicas: &replicas, from: 31, to: 400) { _ in 4 }
        #expect(changes.allSatisfy { $0.reason == .down })
        #expect(changes.map(\.replicas) == [5, 4, 3, 2, 1], "\(changes)")
        let gaps = zip(changes.dropFirst(), changes).map { $0.time - $1.time }
        #expect(gaps.allSatisfy { $0 >= 60 }, "at least 60 s between removals: \(gaps)")
        #expect(changes.first!.time >= 31 + 60)
    }

    @Test func minZeroScalesToZeroAndARequestHeldBringsOneBack() {
        var scaler = Self.scaler(min: 0, max: 4)
        var replicas = 1
        let idle = Self.run(&scaler, replicas: &replicas, from: 0, to: 120) { _ in 0 }
        #expect(replicas == 0 && idle.last?.reason == .down)
        let back = Self.run(&scaler, replicas: &replicas, from: 121, to: 122) { _ in 1 }
        #expect(replicas == 1 && back.first?.time == 121)
        // Bounds hold whatever the load: never above max.
        _ = Self.run(&scaler, replicas: &replicas, from: 123, to: 200) { _ in 1_000 }
        #expect(replicas == 4)
        #expect(AutoscalePolicy(minReplicas: 5, maxReplicas: 2).maxReplicas == 5)
        #expect(AutoscalePolicy.fixed(3).isFixed)
    }
}
