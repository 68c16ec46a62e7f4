import AsyncHTTPClient
import Foundation
import MusterAPI
import Synchronization

/// A typed client for the controller's HTTP API. Holds its own connection pool; call `shutdown()` when done.
///
/// Given several controllers' addresses (comma-separated: controllers sharing a PostgreSQL store), it follows the
/// leader: a controller that cannot be reached, or that answers 503 `not_leader`, is passed over for the next
/// one, round after round for up to `failoverWait` seconds while a standby takes over.
public final class MusterClient: Sendable {
    /// Every controller's address, in the order they are tried.
    public let addresses: [String]
    /// Which address answered last (tried first next time).
    private let current = Mutex(0)
    /// How long a client with several addresses keeps trying them while none leads.
    public static let failoverWait: Double = 30
    /// The address in use: the one that answered last.
    public var baseURL: String { addresses[current.withLock { $0 }] }
    private let http: HTTPClient
    /// The bearer token sent with every request (an agent swaps it for its node's token after registering).
    private let bearer: Mutex<String?>

    /// A client for the controller at `baseURL` (e.g. `http://127.0.0.1:7420`, or several, comma-separated),
    /// keeping up to `connections` connections open.
    public init(baseURL: String, token: String? = nil, connections: Int = 8) {
        bearer = Mutex(token)
        addresses = baseURL.split(separator: ",").map {
            var url = $0.trimmingCharacters(in: .whitespaces)
            while url.hasSuffix("/") { url.removeLast() }
            if !url.contains("://") { url = "http://" + url }
            return url
        }.filter { !$0.isEmpty }
        precondition(!addresses.isEmpty, "MusterClient needs a controller address")
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connections)
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(90))
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Replaces the bearer token.
    public func setToken(_ token: String?) {
        bearer.withLock { $0 = token }
    }

    /// Closes the connections.
    public func shutdown() async {
        try? await http.shutdown()
    }

    // MARK: Jobs

    /// Submits a job; returns its id once the controller has stored it. With an `idempotencyKey`, a retry of a
    /// submit whose answer was lost returns the same job instead of making a second one.
    public func submit(_ request: SubmitRequest, idempotencyKey: String? = nil) async throws(ClientError) -> Int64 {
        try await submitAnswer(request, idempotencyKey: idempotencyKey).id
    }

    /// Submits a job and returns the whole answer (an array's task count too).
    public func submitAnswer(_ request: SubmitRequest, idempotencyKey: String? = nil) async throws(ClientError)
        -> SubmitResponse
    {
        let body = try encode(request)
        let headers = idempotencyKey.map { ["Idempotency-Key": $0] } ?? [:]
        return try decode(SubmitResponse.self, try await raw("POST", "/v1/jobs", body: body, headers: headers))
    }

    /// Creates an API token (admins only); the token is shown once.
    public func createToken(user: String, role: String? = nil) async throws(ClientError) -> TokenResponse {
        try await call("POST", "/v1/admin/tokens", body: TokenRequest(user: user, role: role), as: TokenResponse.self)
    }

    /// Jobs, filtered (`states` nil: all).
    public func jobs(
        states: [String]? = nil, team: String? = nil, endedSince: Double? = nil, limit: Int? = nil
    ) async throws(ClientError) -> [JobInfo] {
        try await jobPage(states: states, team: team, endedSince: endedSince, limit: limit).jobs
    }

    /// The jobs that changed after change `after` (a list's `seq`, or the previous answer's), waiting up to
    /// `waitMilliseconds` for one.
    public func jobChanges(after: Int64, waitMilliseconds: Int) async throws(ClientError) -> JobChanges {
        try await call("GET", "/v1/jobs/changes?after=\(after)&wait=\(waitMilliseconds)", as: JobChanges.self)
    }

    /// One page of jobs, filtered on the server: the newest `limit` matching jobs with ids below `before`, and
    /// the cursor for the next (older) page.
    public func jobPage(
        states: [String]? = nil, team: String? = nil, user: String? = nil, node: String? = nil,
        endedSince: Double? = nil, limit: Int? = nil, before: Int64? = nil
    ) async throws(ClientError) -> JobList {
        var query: [String] = []
        func text(_ name: String, _ value: String?) {
            guard let value else { return }
            query.append(name + "=" + Self.queryValue(value))
        }
        if let states { query.append("state=" + states.joined(separator: ",")) }
        text("team", team)
        text("user", user)
        text("node", node)
        if let endedSince { query.append("ended_since=\(endedSince)") }
        if let limit { query.append("limit=\(limit)") }
        if let before { query.append("before=\(before)") }
        let path = "/v1/jobs" + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
        return try await call("GET", path, as: JobList.self)
    }

    /// One job.
    public func job(_ id: Int64) async throws(ClientError) -> JobInfo {
        try await call("GET", "/v1/jobs/\(id)", as: JobInfo.self)
    }

    /// Cancels a job; returns it as it is after the cancel.
    public func cancel(_ id: Int64) async throws(ClientError) -> JobInfo {
        try await call("POST", "/v1/jobs/\(id)/cancel", as: JobInfo.self)
    }

    /// A slice of rank `rank`'s output from `offset`.
    public func logs(_ id: Int64, rank: Int = 0, offset: Int64 = 0) async throws(ClientError) -> LogChunk {
        try await call("GET", "/v1/jobs/\(id)/logs?rank=\(rank)&offset=\(offset)", as: LogChunk.self)
    }

    /// Launches a step (srun) in running job `id`; answers once it is recorded and sent to the agents.
    public func launchStep(_ id: Int64, _ request: StepLaunchRequest) async throws(ClientError) -> StepInfo {
        try await call("POST", "/v1/jobs/\(id)/steps", body: request, as: StepInfo.self)
    }

    /// One step of job `id`.
    public func step(_ id: Int64, _ step: Int) async throws(ClientError) -> StepInfo {
        try await call("GET", "/v1/jobs/\(id)/steps/\(step)", as: StepInfo.self)
    }

    /// A slice of the output of task `task` of step `step` from `offset`.
    public func stepLogs(_ id: Int64, step: Int, task: Int, offset: Int64 = 0) async throws(ClientError) -> LogChunk {
        try await call("GET", "/v1/jobs/\(id)/logs?step=\(step)&rank=\(task)&offset=\(offset)", as: LogChunk.self)
    }

    /// The nodes.
    public func nodes() async throws(ClientError) -> [NodeInfo] {
        try await call("GET", "/v1/nodes", as: NodeList.self).nodes
    }

    /// One page of nodes in name order, filtered on the server (`state`: up, drained, down, returning).
    public func nodePage(state: String? = nil, leaf: String? = nil, after: String? = nil, limit: Int? = nil)
        async throws(ClientError) -> NodeList
    {
        var query: [String] = []
        for (name, value) in [("state", state), ("leaf", leaf), ("after", after)] {
            if let value { query.append(name + "=" + Self.queryValue(value)) }
        }
        if let limit { query.append("limit=\(limit)") }
        return try await call(
            "GET", "/v1/nodes" + (query.isEmpty ? "" : "?" + query.joined(separator: "&")), as: NodeList.self)
    }

    /// One page of ended jobs (`GET /v1/history`), newest first.
    public func history(
        user: String? = nil, team: String? = nil, states: [String] = [], since: Double? = nil, until: Double? = nil,
        before: Int64? = nil, limit: Int = 100
    ) async throws(ClientError) -> HistoryList {
        var query = ["limit=\(limit)"]
        for (name, value) in [("user", user), ("team", team)] {
            if let value { query.append(name + "=" + Self.queryValue(value)) }
        }
        if !states.isEmpty { query.append("state=" + states.joined(separator: ",")) }
        if let since { query.append("since=\(since)") }
        if let until { query.append("until=\(until)") }
        if let before { query.append("before=\(before)") }
        return try await call("GET", "/v1/history?" + query.joined(separator: "&"), as: HistoryList.self)
    }

    /// Ended jobs' totals by team or user (`GET /v1/usage`).
    public func usage(byTeam: Bool, since: Double? = nil, until: Double? = nil) async throws(ClientError) -> UsageList {
        var query = ["by=" + (byTeam ? "team" : "user")]
        if let since { query.append("since=\(since)") }
        if let until { query.append("until=\(until)") }
        return try await call("GET", "/v1/usage?" + query.joined(separator: "&"), as: UsageList.self)
    }

    static func queryValue(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? value
    }

    /// The controller's Prometheus metrics, as text.
    public func metrics() async throws(ClientError) -> String {
        String(decoding: try await raw("GET", "/metrics", body: nil), as: UTF8.self)
    }

    /// Teams, their use and fair share, and the classes.
    public func teams() async throws(ClientError) -> TeamList {
        try await call("GET", "/v1/teams", as: TeamList.self)
    }

    /// Reads the controller's config file again (admins).
    public func reloadConfig() async throws(ClientError) -> ReloadResponse {
        try await call("POST", "/v1/admin/reload", as: ReloadResponse.self)
    }

    /// Drains a node (admins): no new work; with `now`, its running jobs are stopped.
    public func drain(_ name: String, reason: String, now: Bool = false) async throws(ClientError) -> NodeInfo {
        try await call(
            "POST", "/v1/nodes/\(Self.pathComponent(name))/drain", body: DrainRequest(reason: reason, now: now),
            as: NodeInfo.self)
    }

    /// One node, as `muster nodes` shows it.
    public func node(_ name: String) async throws(ClientError) -> NodeInfo {
        try await call("GET", "/v1/nodes/\(Self.pathComponent(name))", as: NodeInfo.self)
    }

    /// Resumes a drained node (admins).
    public func resume(_ name: String) async throws(ClientError) -> NodeInfo {
        try await call("POST", "/v1/nodes/\(Self.pathComponent(name))/resume", as: NodeInfo.self)
    }

    /// Starts a service (`muster serve`).
    public func createService(_ request: ServiceRequest) async throws(ClientError) -> ServiceInfo {
        try await call("POST", "/v1/services", body: request, as: ServiceInfo.self)
    }

    /// The services the caller may see.
    public func services() async throws(ClientError) -> [ServiceInfo] {
        try await call("GET", "/v1/services", as: ServiceList.self).services
    }

    /// One service, with its replicas' load.
    public func service(_ name: String) async throws(ClientError) -> ServiceInfo {
        try await call("GET", "/v1/services/\(Self.pathComponent(name))", as: ServiceInfo.self)
    }

    /// Sets a service's replica count.
    public func scale(_ name: String, to replicas: Int) async throws(ClientError) -> ServiceInfo {
        try await call(
            "POST", "/v1/services/\(Self.pathComponent(name))/scale", body: ScaleRequest(replicas: replicas),
            as: ServiceInfo.self)
    }

    /// Rolls a service out to a new replica.
    public func rollout(_ name: String, replica: SubmitRequest) async throws(ClientError) -> ServiceInfo {
        try await call(
            "POST", "/v1/services/\(Self.pathComponent(name))/rollout", body: RolloutRequest(replica: replica),
            as: ServiceInfo.self)
    }

    /// Stops a service.
    public func stopService(_ name: String) async throws(ClientError) -> ServiceInfo {
        try await call("POST", "/v1/services/\(Self.pathComponent(name))/stop", as: ServiceInfo.self)
    }

    /// Sends `body` (JSON) to `path` under a service's URL through the controller's router; returns the status
    /// and the answer's bytes (any status: a 503 from the router is an answer too).
    public func callService(_ name: String, path: String, body: Data?) async throws(ClientError)
        -> (status: Int, body: [UInt8])
    {
        var request = HTTPClientRequest(url: baseURL + "/s/\(Self.pathComponent(name))" + path)
        request.method = body == nil ? .GET : .POST
        if let token = bearer.withLock({ $0 }) { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(body)
        }
        do {
            let response = try await http.execute(request, timeout: .seconds(90))
            let buffer = try await response.body.collect(upTo: 64 << 20)
            return (Int(response.status.code), Array(buffer.readableBytesView))
        } catch {
            throw .unreachable(url: baseURL, reason: "\(error)")
        }
    }

    /// The OpenAPI document, as text.
    public func openAPI() async throws(ClientError) -> String {
        String(decoding: try await raw("GET", "/v1/openapi.json", body: nil), as: UTF8.self)
    }

    /// True if `/healthz` answers.
    public func healthy() async -> Bool {
        (try? await raw("GET", "/healthz", body: nil)) != nil
    }

    // MARK: Agents

    /// Registers a node agent.
    /// Every leaf block summed (the dashboard's map of a large cluster).
    public func leaves() async throws(ClientError) -> LeafList {
        try await call("GET", "/v1/leaves", as: LeafList.self)
    }

    public func register(_ request: RegisterAgentRequest) async throws(ClientError) -> RegisterAgentResponse {
        try await call("POST", "/v1/agents/register", body: request, as: RegisterAgentResponse.self)
    }

    /// Sends a heartbeat.
    public func heartbeat(_ beat: Heartbeat) async throws(ClientError) -> HeartbeatResponse {
        try await call("POST", "/v1/agents/\(beat.name)/heartbeat", body: beat, as: HeartbeatResponse.self)
    }

    /// Long-polls for the node's assignments, acknowledging everything up to `after`.
    public func assignments(
        node: String, after: Int64, instance: String?, waitMilliseconds: Int
    ) async throws(ClientError) -> AssignmentBatch {
        var path = "/v1/agents/\(node)/assignments?wait=\(waitMilliseconds)&after=\(after)"
        if let instance { path += "&instance=\(instance)" }
        return try await call("GET", path, as: AssignmentBatch.self)
    }

    /// Uploads a piece of a rank's output (a relay passes on the node's own `token`).
    public func uploadLog(node: String, _ upload: LogUpload, token: String? = nil) async throws(ClientError) {
        _ = try await raw(
            "POST", "/v1/agents/\(node)/logs", body: try encode(upload),
            headers: token.map { ["Authorization": "Bearer \($0)"] } ?? [:])
    }

    // MARK: Relays (authenticated by the join token)

    /// Sends the heartbeats of a relay's nodes together.
    public func relayHeartbeats(relay: String, _ beats: [Heartbeat]) async throws(ClientError)
        -> RelayHeartbeatsAnswer
    {
        try await call(
            "POST", "/v1/relays/\(Self.pathComponent(relay))/heartbeats", body: RelayHeartbeats(beats: beats),
            as: RelayHeartbeatsAnswer.self)
    }

    /// Sends the reports of a relay's nodes together; answers the nodes the controller does not know.
    public func relayReports(relay: String, _ nodes: [NodeReports]) async throws(ClientError) -> RelayUnknownNodes {
        try await call(
            "POST", "/v1/relays/\(Self.pathComponent(relay))/reports", body: RelayReports(nodes: nodes),
            as: RelayUnknownNodes.self)
    }

    /// The relay's long-poll for all its nodes.
    public func relayPoll(relay: String, _ poll: RelayPoll) async throws(ClientError) -> RelayPollAnswer {
        try await call(
            "POST", "/v1/relays/\(Self.pathComponent(relay))/poll", body: poll, as: RelayPollAnswer.self)
    }

    /// Reports started and exited tasks.
    public func report(node: String, _ reports: [TaskReport]) async throws(ClientError) {
        _ = try await raw("POST", "/v1/agents/\(node)/reports", body: try encode(ReportBatch(reports: reports)))
    }

    // MARK: Plumbing

    /// A node name as one path component (names are labels: letters, digits, '.', '-', '_').
    static func pathComponent(_ name: String) -> String {
        name.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: ".-_")))
            ?? name
    }

    private func call<R: Decodable>(_ method: String, _ path: String, as type: R.Type) async throws(ClientError)
        -> R
    {
        try decode(type, try await raw(method, path, body: nil))
    }

    private func call<B: Encodable, R: Decodable>(
        _ method: String, _ path: String, body: B, as type: R.Type
    ) async throws(ClientError) -> R {
        try decode(type, try await raw(method, path, body: try encode(body)))
    }

    private func encode<B: Encodable>(_ body: B) throws(ClientError) -> Data {
        do {
            return try MusterJSON.encode(body)
        } catch {
            throw .badResponse("cannot encode the request: \(error)")
        }
    }

    private func decode<R: Decodable>(_ type: R.Type, _ data: [UInt8]) throws(ClientError) -> R {
        do {
            return try MusterJSON.decode(type, from: Data(data))
        } catch {
            throw .badResponse("\(R.self): \(error)")
        }
    }

    private func raw(_ method: String, _ path: String, body: Data?, headers: [String: String] = [:])
        async throws(ClientError) -> [UInt8]
    {
        guard addresses.count > 1 else {
            return try await raw(addresses[0], method, path, body: body, headers: headers)
        }
        let deadline = ContinuousClock.now + .seconds(Self.failoverWait)
        var next = current.withLock { $0 }
        var tried = 0
        while true {
            do {
                let bytes = try await raw(addresses[next], method, path, body: body, headers: headers)
                current.withLock { $0 = next }
                return bytes
            } catch {
                let passOver: Bool
                switch error {
                case .unreachable: passOver = true
                case .server(503, "not_leader", _): passOver = true
                default: passOver = false
                }
                guard passOver else {
                    current.withLock { $0 = next }
                    throw error
                }
                tried += 1
                next = (next + 1) % addresses.count
                if tried % addresses.count == 0 {
                    // A whole round without a leader: one is taking over.
                    guard ContinuousClock.now < deadline else { throw error }
                    try? await Task.sleep(for: .milliseconds(250))
                }
            }
        }
    }

    /// One request to the controller at `address`.
    private func raw(
        _ address: String, _ method: String, _ path: String, body: Data?, headers: [String: String]
    ) async throws(ClientError) -> [UInt8] {
        let baseURL = address
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .init(rawValue: method)
        if headers["Authorization"] == nil, let token = bearer.withLock({ $0 }) {
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
        }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(body)
        }
        let status: Int
        let bytes: [UInt8]
        do {
            let response = try await http.execute(request, timeout: .seconds(90))
            status = Int(response.status.code)
            let buffer = try await response.body.collect(upTo: 64 << 20)
            bytes = Array(buffer.readableBytesView)
        } catch {
            throw .unreachable(url: baseURL, reason: "\(error)")
        }
        guard (200..<300).contains(status) else {
            if let body = try? MusterJSON.decode(ErrorBody.self, from: Data(bytes)) {
                throw .server(status: status, code: body.error.code, message: body.error.message)
            }
            throw .server(status: status, code: "http_\(status)", message: String(decoding: bytes, as: UTF8.self))
        }
        return bytes
    }
}
