import MusterServer
import Testing

/// How often agents are told to heartbeat as the cluster grows.
struct HeartbeatIntervalTests {
    @Test func theIntervalGrowsWithTheClusterToBoundTheRateButStaysWithinAThirdOfTheTimeout() {
        let small = ControllerConfig(dataDir: "/tmp/x", heartbeatTimeout: 300)
        #expect(small.heartbeatInterval == 3)
        #expect(small.heartbeatInterval(nodes: 32) == 3)
        #expect(small.heartbeatInterval(nodes: 6_000) == 3)
        // 125,000 nodes at 2,000 heartbeats/s: 62.5 s, within 300 / 3.
        #expect(small.heartbeatInterval(nodes: 125_000) == 62.5)
        #expect(small.heartbeatInterval(nodes: 125_000) * ControllerConfig.heartbeatsPerSecond >= 125_000)
        // A short timeout caps it: a node is never declared down for two missed heartbeats.
        let short = ControllerConfig(dataDir: "/tmp/x", heartbeatTimeout: 30)
        #expect(short.heartbeatInterval(nodes: 125_000) == 10)
        let tiny = ControllerConfig(dataDir: "/tmp/x", heartbeatTimeout: 2)
        #expect(tiny.heartbeatInterval(nodes: 1_000_000) == 2.0 / 3)
    }
}
