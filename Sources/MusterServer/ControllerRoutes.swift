import Foundation
import Hummingbird
import MusterAPI
import MusterCore

/// The controller's HTTP API under `/v1`: builds the router and remembers every route it registered, so a test
/// can compare them with the OpenAPI document.
public enum ControllerRoutes {
    /// Longest long-poll an agent may ask for.
    static let maxWait = 60.0

    /// The router for `controller`, and the routes registered as `METHOD /path/{param}`.
    public static func router(for controller: Controller) -> (Router<BasicRequestContext>, [String]) {
        let router = Router()
        router.add(middleware: ErrorMiddleware())
        var routes: [String] = []
        func record(_ method: String, _ path: String) {
            let openAPIPath = path.split(separator: "/", omittingEmptySubsequences: false).map { part in
                part.hasPrefix(":") ? "{\(part.dropFirst())}" : String(part)
            }.joined(separator: "/")
            routes.append("\(method) \(openAPIPath)")
        }
        func get(_ path: String, _ handler: @escaping @Sendable (Request, BasicRequestContext) async throws -> Response)
        {
            record("GET", path)
            router.get(RouterPath(path), use: handler)
        }
        func post(
            _ path: String, _ handler: @escaping @Sendable (Request, BasicRequestContext) async throws -> Response
        ) {
            record("POST", path)
            router.post(RouterPath(path), use: handler)
        }

        get("/healthz") { _, _ in try json(["status": "ok"]) }
        get("/v1/openapi.json") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.json)))
        }
        post("/v1/jobs") { request, _ in
            let submit = try await decode(SubmitRequest.self, request)
            let id = try await controller.submit(submit)
            return try json(SubmitResponse(id: id), status: .created)
        }
        get("/v1/jobs") { request, _ in
            let query = request.uri.queryParameters
            var states: Set<JobState>?
            if let raw = query.get("state"), !raw.isEmpty {
                states = []
                for name in raw.split(separator: ",") {
                    guard let state = JobState(rawValue: String(name)) else {
                        throw ControllerError.invalid(
                            "state",
                            "unknown state '\(name)'; use "
                                + JobState.allCases.map(\.rawValue).joined(separator: ", "))
                    }
                    states!.insert(state)
                }
            }
            let since = try optionalNumber(query.get("ended_since"), "ended_since", Double.self)
            let limit = try optionalNumber(query.get("limit"), "limit", Int.self)
            let jobs = await controller.list(
                states: states, team: query.get("team"), endedSince: since, limit: limit)
            return try json(JobList(jobs: jobs))
        }
        get("/v1/jobs/:id") { _, context in
            try json(try await controller.job(try jobID(context)))
        }
        post("/v1/jobs/:id/cancel") { _, context in
            try json(try await controller.cancel(try jobID(context)))
        }
        get("/v1/jobs/:id/logs") { request, context in
            let id = try jobID(context)
            let query = request.uri.queryParameters
            let rank = try optionalNumber(query.get("rank"), "rank", Int.self) ?? 0
            let offset = try optionalNumber(query.get("offset"), "offset", Int64.self) ?? 0
            guard offset >= 0 else { throw ControllerError.invalid("offset", "must be 0 or more") }
            let target = try await controller.logTarget(id, rank: rank)
            return try json(LogReader.read(job: id, rank: rank, path: target.path, offset: offset, done: target.done))
        }
        get("/v1/nodes") { _, _ in try json(NodeList(nodes: await controller.nodeList())) }
        post("/v1/agents/register") { request, _ in
            let body = try await decode(RegisterAgentRequest.self, request)
            return try json(try await controller.register(body))
        }
        post("/v1/agents/:name/heartbeat") { request, context in
            let body = try await decode(Heartbeat.self, request)
            return try json(try await controller.heartbeat(try nodeName(context), body))
        }
        get("/v1/agents/:name/assignments") { request, context in
            let query = request.uri.queryParameters
            let waitMs = try optionalNumber(query.get("wait"), "wait", Double.self) ?? 0
            let after = try optionalNumber(query.get("after"), "after", Int64.self) ?? 0
            let batch = try await controller.poll(
                try nodeName(context), after: after, instance: query.get("instance"),
                wait: min(maxWait, max(0, waitMs / 1000)))
            return try json(batch)
        }
        post("/v1/agents/:name/reports") { request, context in
            let body = try await decode(ReportBatch.self, request)
            try await controller.reports(try nodeName(context), body)
            return try json(["status": "ok"])
        }
        return (router, routes)
    }

    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try MusterJSON.encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func decode<T: Decodable>(_ type: T.Type, _ request: Request) async throws -> T {
        let buffer = try await request.body.collect(upTo: 32 << 20)
        do {
            return try MusterJSON.decode(type, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw DecodingErrorMessage.controllerError(error)
        } catch {
            throw ControllerError.badRequest("the body is not valid JSON: \(error)")
        }
    }

    static func jobID(_ context: BasicRequestContext) throws -> Int64 {
        guard let raw = context.parameters.get("id"), let id = Int64(raw), id > 0 else {
            throw ControllerError.invalid(
                "id", "a job id is a positive integer, got '\(context.parameters.get("id") ?? "")'")
        }
        return id
    }

    static func nodeName(_ context: BasicRequestContext) throws -> String {
        guard let name = context.parameters.get("name"), !name.isEmpty else {
            throw ControllerError.invalid("name", "a node name is required")
        }
        return name
    }

    static func optionalNumber<T: LosslessStringConvertible>(
        _ raw: String?, _ field: String, _ type: T.Type
    ) throws -> T? {
        guard let raw, !raw.isEmpty else { return nil }
        guard let value = T(raw) else { throw ControllerError.invalid(field, "'\(raw)' is not a number") }
        return value
    }
}
