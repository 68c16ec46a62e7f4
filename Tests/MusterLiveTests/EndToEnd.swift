import Testing

/// End-to-end tests with real controller and agent processes: one at a time, each bounded in time.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct EndToEnd {}

/// Starts a cluster, runs `body`, and stops every process whatever happens.
func withCluster(
    agents: Int = 2, gpusPerAgent: Int = 4, heartbeatTimeout: Double = 2, controllerExtra: [String] = [],
    _ body: (LiveCluster) async throws -> Void
) async throws {
    let cluster = try await LiveCluster.start(
        agents: agents, gpusPerAgent: gpusPerAgent, heartbeatTimeout: heartbeatTimeout,
        controllerExtra: controllerExtra)
    do {
        try await body(cluster)
    } catch {
        print(cluster.logTail("controller.log"))
        cluster.stop()
        throw error
    }
    cluster.stop()
}
