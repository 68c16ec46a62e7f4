import MusterAPI
import MusterClient

/// A simulated node's own HTTP connections to the controller (two per node: the long-poll and the rest).
struct DirectLink: NodeLink {
    let client: MusterClient
    let joinToken: String

    init(url: String, joinToken: String) {
        self.joinToken = joinToken
        client = MusterClient(baseURL: url, token: joinToken, connections: 2)
    }

    func register(_ request: RegisterAgentRequest) async throws(ClientError) -> RegisterAgentResponse {
        client.setToken(joinToken)
        let answer = try await client.register(request)
        client.setToken(answer.agentToken)
        return answer
    }

    func heartbeat(_ beat: Heartbeat, token: String) async throws(ClientError) -> HeartbeatResponse {
        try await client.heartbeat(beat)
    }

    func assignments(node: String, after: Int64, instance: String?, waitMilliseconds: Int, token: String)
        async throws(ClientError) -> AssignmentBatch
    {
        try await client.assignments(node: node, after: after, instance: instance, waitMilliseconds: waitMilliseconds)
    }

    func report(node: String, _ reports: [TaskReport], token: String) async throws(ClientError) {
        try await client.report(node: node, reports)
    }

    func shutdown() async { await client.shutdown() }
}
