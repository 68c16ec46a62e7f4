import Foundation
import Logging
import MusterAPI
import MusterClient
import MusterServer
import Synchronization
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The HTTP API of an in-process controller (no agents: a node is registered by hand).
@Suite(.timeLimit(.minutes(2)))
struct APITests {
    /// Runs a controller on a free port for `body`, with one registered 8-GPU node.
    func withController(_ body: (MusterClient, ControllerServer) async throws -> Void) async throws {
        let dir = NSTemporaryDirectory() + "muster-api-" + UUID().uuidString.prefix(8).lowercased()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let server = try await ControllerServer(config: ControllerConfig(dataDir: dir), logger: logger)
        let admin = try String(contentsOfFile: server.tokenPath, encoding: .utf8).trimmingCharacters(in: .newlines)
        let join = try String(contentsOfFile: server.joinTokenPath, encoding: .utf8).trimmingCharacters(in: .newlines)
        let (ports, sink) = AsyncStream.makeStream(of: Int.self)
        let task = Task {
            try await server.run(host: "127.0.0.1", port: 0, handleSignals: false) { port in
                sink.yield(port)
                sink.finish()
            }
        }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        let client = MusterClient(baseURL: "http://127.0.0.1:\(port)", token: join)
        do {
            _ = try await client.register(
                RegisterAgentRequest(
                    name: "n1", gpus: (0..<8).map { GPUInfo(index: $0, model: "X", memoryMib: 1024, uuid: "\($0)") },
                    cpus: 16, memoryMib: 65_536, leaf: "l", spine: "s", address: "127.0.0.1", instance: "i"))
            client.setToken(admin)
            Self.tokens.withLock { $0[client.baseURL] = admin }
            try await body(client, server)
        } catch {
            await client.shutdown()
            task.cancel()
            throw error
        }
        await client.shutdown()
        task.cancel()
        _ = await task.result
    }

    func expectError(
        _ status: Int, _ code: String, field: String? = nil, _ call: () async throws -> Void
    ) async {
        do {
            try await call()
            Issue.record("expected \(status) \(code)")
        } catch let error as ClientError {
            #expect(error.status == status && error.code == code, "\(error)")
            if let field { #expect(error.description.contains(field), "\(error)") }
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    static func request(gpus: Int = 1, nodes: Int? = nil, workdir: String = "/tmp") -> SubmitRequest {
        SubmitRequest(gpus: gpus, nodes: nodes, command: ["/bin/true"], workdir: workdir)
    }

    @Test func invalidRequestsGet4xxWithAnErrorBodyNamingTheField() async throws {
        try await withController { client, _ in
            await expectError(400, "invalid_field", field: "gpus") {
                _ = try await client.submit(Self.request(gpus: -1))
            }
            await expectError(400, "invalid_field", field: "workdir") {
                _ = try await client.submit(Self.request(workdir: "relative"))
            }
            await expectError(400, "invalid_field", field: "nodes") {
                _ = try await client.submit(Self.request(gpus: 3, nodes: 2))
            }
            await expectError(400, "invalid_field", field: "command") {
                _ = try await client.submit(SubmitRequest(gpus: 1, command: [], workdir: "/tmp"))
            }
            await expectError(400, "invalid_field", field: "priority") {
                var r = Self.request()
                r.priority = "urgent"
                _ = try await client.submit(r)
            }
            await expectError(422, "never_fits", field: "can never hold it") {
                _ = try await client.submit(Self.request(gpus: 16))
            }
            await expectError(404, "not_found") { _ = try await client.job(999) }
            await expectError(404, "not_found") { _ = try await client.cancel(999) }
            let id = try await client.submit(Self.request())
            await expectError(400, "invalid_field", field: "rank") { _ = try await client.logs(id, rank: -1) }
        }
    }

    @Test func malformedJSONNamesTheMissingOrMistypedField() async throws {
        try await withController { client, _ in
            let url = client.baseURL + "/v1/jobs"
            for (body, field) in [
                (#"{"command": ["/bin/true"], "workdir": "/tmp"}"#, "gpus"),
                (#"{"gpus": "two", "command": ["/bin/true"], "workdir": "/tmp"}"#, "gpus"),
                ("not json", "JSON"),
            ] {
                let (status, text) = try await Self.post(url, body)
                #expect(status == 400)
                let error = try MusterJSON.decode(ErrorBody.self, from: Data(text.utf8))
                #expect(error.error.message.contains(field), "\(text)")
            }
            let (status, text) = try await Self.post(client.baseURL + "/v1/no-such-route", "{}")
            #expect(status == 404 && text.contains("\"code\":\"not_found\""))
        }
    }

    @Test func requestsThatOnceCrashedTheControllerGet4xx() async throws {
        try await withController { client, _ in
            let base = client.baseURL
            for (body, field) in [
                (#"{"gpus": 1, "command": ["x"], "workdir": "/tmp", "time_limit": 9223372036854775807}"#, "time_limit"),
                (#"{"gpus": 1000003, "command": ["x"], "workdir": "/tmp"}"#, "never hold it"),
                (#"{"gpus": 9223372036854775807, "nodes": 2, "command": ["x"], "workdir": "/tmp"}"#, "gpus"),
                (
                    #"{"gpus": 8, "nodes": 4611686018427387904, "gpus_per_node": 2, "command": ["x"], "workdir": "/tmp"}"#,
                    "nodes"
                ),
                (#"{"gpus": 1, "command": ["x\u0000y"], "workdir": "/tmp"}"#, "command[0]"),
                (#"{"gpus": 1, "command": ["x"], "workdir": "/tmp", "time_limt": 5}"#, "time_limt"),
                (#"{"gpus": 1, "command": ["x"], "workdir": "/tmp", "name": "\u001b[31mred"}"#, "name"),
            ] {
                let (status, text) = try await Self.post(base + "/v1/jobs", body)
                #expect((400..<500).contains(status), "\(body) -> \(status) \(text)")
                #expect(text.contains(field), "\(text)")
            }
            let (status, text) = try await Self.post(base + "/v1/jobs?limit=-1", "", method: "GET")
            #expect(status == 400 && text.contains("limit"), "\(text)")
            let big = String(repeating: "x", count: 5 << 20)
            let (bigStatus, _) = try await Self.post(base + "/v1/jobs", big)
            #expect(bigStatus == 413)
            #expect(try await client.jobs().isEmpty)
        }
    }

    @Test func everyRequestNeedsAValidTokenAndUsersSeeOnlyTheirJobs() async throws {
        try await withController { client, _ in
            let base = client.baseURL
            let (noToken, _) = try await Self.post(base + "/v1/jobs", "{}", token: "")
            #expect(noToken == 401)
            let (badToken, _) = try await Self.post(base + "/v1/nodes", "", token: "mu_forged", method: "GET")
            #expect(badToken == 401)
            let alice = MusterClient(baseURL: base, token: try await client.createToken(user: "alice").token)
            let bob = MusterClient(baseURL: base, token: try await client.createToken(user: "bob").token)
            defer {
                Task {
                    await alice.shutdown()
                    await bob.shutdown()
                }
            }
            let id = try await alice.submit(Self.request())
            #expect(try await alice.job(id).owner == "alice")
            await expectError(403, "forbidden") { _ = try await bob.job(id) }
            await expectError(403, "forbidden") { _ = try await bob.cancel(id) }
            await expectError(403, "forbidden") { _ = try await bob.logs(id) }
            await expectError(403, "forbidden") { _ = try await bob.createToken(user: "eve", role: "admin") }
            #expect(try await bob.jobs().isEmpty)
            #expect(try await client.jobs().map(\.id) == [id])
            // A user token cannot act as an agent.
            let (forged, _) = try await Self.post(
                base + "/v1/agents/n1/reports", #"{"reports": []}"#, token: "mu_not_the_agent")
            #expect(forged == 401)
        }
    }

    @Test func aRetriedSubmitWithTheSameIdempotencyKeyIsNotADuplicate() async throws {
        try await withController { client, _ in
            let first = try await client.submit(Self.request(), idempotencyKey: "k-1")
            let again = try await client.submit(Self.request(), idempotencyKey: "k-1")
            let other = try await client.submit(Self.request(), idempotencyKey: "k-2")
            #expect(first == again && other != first)
            #expect(try await client.jobs().count == 2)
        }
    }

    @Test func theServerPagesTheQueueNewestFirstAndFiltersByNode() async throws {
        try await withController { client, _ in
            var ids: [Int64] = []
            for _ in 0..<7 { ids.append(try await client.submit(Self.request())) }
            for _ in 0..<3 { ids.append(try await client.submit(Self.request(gpus: 8))) }
            // Pages of 4, newest first within the filter, each naming where the next starts.
            let first = try await client.jobPage(limit: 4)
            #expect(first.jobs.map(\.id) == Array(ids[6...9]) && first.nextBefore == ids[6])
            let second = try await client.jobPage(limit: 4, before: first.nextBefore)
            #expect(second.jobs.map(\.id) == Array(ids[2...5]) && second.nextBefore == ids[2])
            let last = try await client.jobPage(limit: 4, before: second.nextBefore)
            #expect(last.jobs.map(\.id) == Array(ids[0...1]) && last.nextBefore == nil)
            // The 1-GPU jobs hold node n1; the 8-GPU ones wait for it.
            var onNode: [Int64] = []
            for _ in 0..<100 {
                onNode = try await client.jobPage(node: "n1").jobs.map(\.id)
                if onNode.count == 7 { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(onNode == Array(ids[0...6]))
            #expect(try await client.jobPage(states: ["pending"], node: "n1").jobs.isEmpty)
            #expect(try await client.jobPage(node: "elsewhere").jobs.isEmpty)
            await expectError(400, "invalid_field", field: "before") { _ = try await client.jobPage(before: 0) }
            await expectError(400, "invalid_field", field: "node") { _ = try await client.jobPage(node: "") }
        }
    }

    @Test func aWatchIsWokenByTheNextChangeAndSeesOnlyItsOwnersJobs() async throws {
        try await withController { client, _ in
            let listed = try await client.jobPage()
            let start = try #require(listed.seq)
            // A watcher waiting before anything changes is answered by the submit.
            let watcher = Task { try await client.jobChanges(after: start, waitMilliseconds: 30_000) }
            try await Task.sleep(for: .milliseconds(200))
            let id = try await client.submit(Self.request())
            let woken = try await watcher.value
            #expect(woken.jobs.map(\.id).contains(id) && woken.seq > start && !woken.reset)
            // Nothing new: an immediate answer with no jobs; a number from another controller: list again.
            let idle = try await client.jobChanges(after: woken.seq, waitMilliseconds: 0)
            #expect(idle.jobs.isEmpty || idle.jobs.allSatisfy { $0.id == id })
            #expect(try await client.jobChanges(after: 1_000_000, waitMilliseconds: 0).reset)
            await expectError(400, "invalid_field", field: "wait") {
                _ = try await client.jobChanges(after: 0, waitMilliseconds: 60_001)
            }
            // Another user's watch does not see it.
            let token = try await client.createToken(user: "bob")
            let bob = MusterClient(baseURL: client.baseURL, token: token.token)
            defer { Task { await bob.shutdown() } }
            #expect(try await bob.jobChanges(after: start, waitMilliseconds: 0).jobs.isEmpty)
        }
    }

    @Test func theServerPagesAndFiltersNodes() async throws {
        try await withController { client, _ in
            // n1 is registered by withController; four more, two in leaf l2.
            let join = MusterClient(baseURL: client.baseURL, token: nil)
            defer { Task { await join.shutdown() } }
            let joinToken = try await client.createToken(user: "agents", role: "join").token
            join.setToken(joinToken)
            for (name, leaf) in [("n2", "l"), ("n3", "l2"), ("n4", "l2"), ("n5", "l")] {
                _ = try await join.register(
                    RegisterAgentRequest(
                        name: name, gpus: [GPUInfo(index: 0, model: "X", memoryMib: 1024, uuid: name)], cpus: 1,
                        memoryMib: 1024, leaf: leaf, spine: "s", address: "127.0.0.1", instance: name))
            }
            let first = try await client.nodePage(limit: 2)
            #expect(first.nodes.map(\.name) == ["n1", "n2"] && first.nextAfter == "n2")
            let rest = try await client.nodePage(after: first.nextAfter, limit: 3)
            #expect(rest.nodes.map(\.name) == ["n3", "n4", "n5"] && rest.nextAfter == nil)
            #expect(try await client.nodePage(leaf: "l2").nodes.map(\.name) == ["n3", "n4"])
            #expect(try await client.nodePage(state: "down").nodes.isEmpty)
            #expect(try await client.nodePage(state: "up").nodes.count == 5)
            await expectError(400, "invalid_field", field: "state") { _ = try await client.nodePage(state: "sad") }
            await expectError(400, "invalid_field", field: "limit") { _ = try await client.nodePage(limit: 0) }
        }
    }

    @Test func openAPIDocumentListsExactlyTheRegisteredRoutes() async throws {
        try await withController { client, server in
            let text = try await client.openAPI()
            let document = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            var documented: Set<String> = []
            for (path, operations) in paths {
                for method in operations.keys { documented.insert("\(method.uppercased()) \(path)") }
            }
            #expect(documented == Set(server.routes))
            #expect(server.routes.count == Set(server.routes).count)
        }
    }

    @Test func submitAnswers201WithTheIdAfterStoringTheJob() async throws {
        try await withController { client, _ in
            let id = try await client.submit(Self.request(gpus: 2))
            let job = try await client.job(id)
            #expect(job.id == id && job.gpus == 2 && job.gpusPerNode == 2 && job.nodes == 1)
            let all = try await client.jobs()
            #expect(all.map(\.id).contains(id))
            let (status, _) = try await Self.post(
                client.baseURL + "/v1/jobs", #"{"gpus": 1, "command": ["/bin/true"], "workdir": "/tmp"}"#)
            #expect(status == 201)
        }
    }

    /// Each test's admin token, by its controller's base URL (tests run in parallel).
    static let tokens = Mutex<[String: String]>([:])

    static func post(_ url: String, _ body: String, token: String? = nil, method: String = "POST") async throws -> (
        Int, String
    ) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        if method != "GET" { request.httpBody = Data(body.utf8) }
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        let known = tokens.withLock { $0.first { url.hasPrefix($0.key) }?.value }
        request.setValue("Bearer \(token ?? known ?? "")", forHTTPHeaderField: "Authorization")
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }
}
