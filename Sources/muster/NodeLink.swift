import MusterAPI
import MusterClient

/// How a simulated node reaches the control plane: straight to the controller over HTTP (`DirectLink`), or
/// through its leaf's relay (`RelayLink`), whose own batched traffic to the controller is real HTTP.
protocol NodeLink: Sendable {
    /// Registers with the join token; the answer's agent token authenticates the rest.
    func register(_ request: RegisterAgentRequest) async throws(ClientError) -> RegisterAgentResponse
    func heartbeat(_ beat: Heartbeat, token: String) async throws(ClientError) -> HeartbeatResponse
    func assignments(node: String, after: Int64, instance: String?, waitMilliseconds: Int, token: String)
        async throws(ClientError) -> AssignmentBatch
    func report(node: String, _ reports: [TaskReport], token: String) async throws(ClientError)
    func shutdown() async
}
