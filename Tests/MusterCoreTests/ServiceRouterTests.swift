import MusterCore
import Testing

/// The service router: two random choices among ready replicas, a cap per replica, a bounded queue.
@Suite struct ServiceRouterTests {
    static func router(replicas: Int, cap: Int = 4, queue: Int = 8) -> ServiceRouter {
        var router = ServiceRouter(maxInflight: cap, maxQueue: queue, seed: 42)
        for id in 0..<replicas {
            router.add(id)
            _ = router.setReady(id, true)
        }
        return router
    }

    @Test func requestsGoOnlyToReadyReplicasAndSpreadEvenly() {
        var router = Self.router(replicas: 3, cap: 100)
        router.add(3)  // starting: not ready
        var count = [Int: Int]()
        for r in 0..<300 as Range<UInt64> {
            guard case .forward(let id) = router.arrive(r) else {
                Issue.record("request \(r) not forwarded")
                continue
            }
            count[id, default: 0] += 1
        }
        #expect(count[3] == nil, "never to a replica that is not ready")
        // The power of two choices keeps the loads within one of each other when nothing finishes.
        let loads = router.replicas.filter(\.ready).map(\.inflight)
        #expect(loads.max()! - loads.min()! <= 1, "\(loads)")
    }

    @Test func theLessLoadedOfTwoIsChosen() {
        var router = Self.router(replicas: 2, cap: 100)
        for r in 0..<10 as Range<UInt64> { _ = router.arrive(r) }
        // Replica 0 finishes everything it had: the next requests go to it until it catches up.
        let zero = router.replicas[0].inflight
        for _ in 0..<zero { _ = router.finished(on: 0) }
        for r in 10..<(10 + UInt64(zero)) { #expect(router.arrive(r) == .forward(replica: 0)) }
    }

    @Test func fullReplicasQueueThenRefuseAndAFinishedRequestFreesASlot() {
        var router = Self.router(replicas: 2, cap: 2, queue: 3)
        let outcomes = (0..<8 as Range<UInt64>).map { router.arrive($0) }
        #expect(outcomes.prefix(4).allSatisfy { if case .forward = $0 { true } else { false } })
        #expect(Array(outcomes[4..<7]) == [.queued, .queued, .queued] && outcomes[7] == .refused)
        #expect(router.load == 7 && router.waiting == 3)
        let sent = router.finished(on: 1)
        #expect(sent.count == 1 && sent[0].request == 4 && sent[0].replica == 1, "oldest first, to the freed slot")
        router.abandon(6)
        #expect(router.waiting == 1)
    }

    @Test func requestsHeldWhileNoReplicaIsReadyGoWhenOneIs() {
        var router = ServiceRouter(maxInflight: 4, maxQueue: 16)
        #expect(router.arrive(1) == .queued && router.arrive(2) == .queued)
        router.add(7)
        #expect(router.setReady(7, true).map(\.request) == [1, 2])
        router.remove(7)
        #expect(router.arrive(3) == .queued && router.replicas.isEmpty)
    }
}
