import MusterAPI
import MusterClient
import MusterServer

/// A simulated node behind its leaf's `Relay`, called in process (within a rack in a real cluster; it costs the
/// controller nothing). The relay's batched traffic to the controller is real HTTP.
struct RelayLink: NodeLink {
    let relay: Relay
    let joinToken: String

    func register(_ request: RegisterAgentRequest) async throws(ClientError) -> RegisterAgentResponse {
        try await relay.register(request, bearer: joinToken)
    }

    func heartbeat(_ beat: Heartbeat, token: String) async throws(ClientError) -> HeartbeatResponse {
        try await relay.heartbeat(beat, bearer: token)
    }

    func assignments(node: String, after: Int64, instance: String?, waitMilliseconds: Int, token: String)
        async throws(ClientError) -> AssignmentBatch
    {
        try await relay.assignments(
            node: node, after: after, instance: instance, waitMilliseconds: waitMilliseconds, bearer: token)
    }

    func report(node: String, _ reports: [TaskReport], token: String) async throws(ClientError) {
        try await relay.report(node: node, reports, bearer: token)
    }

    func shutdown() async {}
}
