import Foundation
import Hummingbird
import MusterAPI
import MusterCore
import MusterStore

/// The controller's HTTP API under `/v1`: builds the router and remembers every route it registered, so a test
/// can compare them with the OpenAPI document. Every route but `/healthz`, the document and the dashboard's static
/// files (`/ui`) is authenticated: users and admins by their API token, agents by the join token (registration)
/// or their node's agent token.
public enum ControllerRoutes {
    /// Longest long-poll an agent may ask for.
    static let maxWait = 60.0
    /// Largest request body: 4 MiB (a script is at most 1 MiB, a log upload 1 MiB as base64).
    static let maxBody = 4 << 20
    /// Most jobs one listing returns.
    static let maxLimit = 100_000

    /// The router for `controller`, and the routes registered as `METHOD /path/{param}`.
    public static func router(for controller: Controller, gateway: ServiceGateway? = nil) -> (
        Router<BasicRequestContext>, [String]
    ) {
        let router = Router()
        router.add(middleware: RequestMetricsMiddleware(metrics: controller.metrics))
        router.add(middleware: ErrorMiddleware())
        if let held = controller.config.leaseHeld { router.add(middleware: LeaseMiddleware(held: held)) }
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
        @Sendable func user(_ request: Request) async throws -> Principal {
            try await controller.principal(bearer: bearer(request))
        }

        get("/healthz") { _, _ in try json(["status": "ok"]) }
        get("/metrics") { request, _ in
            _ = try await user(request)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: await controller.metricsText())))
        }
        // The web dashboard: static files, no data (it reads the routes below with the user's token); not part of
        // the JSON API, so not in the document.
        DashboardPage.register(on: router)
        get("/v1/openapi.json") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.json)))
        }
        post("/v1/jobs") { request, _ in
            let principal = try await user(request)
            let submit = try await decode(SubmitRequest.self, request)
            let key = request.headers.first { $0.name.canonicalName == "idempotency-key" }?.value
            if let key,
                key.isEmpty || key.utf8.count > 128
                    || key.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value > 0x7E })
            {
                throw ControllerError.invalid("Idempotency-Key", "must be 1 to 128 printable ASCII characters")
            }
            let (id, created, count) = try await controller.submit(submit, by: principal, idempotencyKey: key)
            return try json(
                SubmitResponse(id: id, count: submit.array == nil ? nil : count), status: created ? .created : .ok)
        }
        get("/v1/jobs") { request, _ in
            let principal = try await user(request)
            let query = request.uri.queryParameters
            var states: Set<JobState>?
            if let raw = query.get("state"), !raw.isEmpty {
                states = []
                for name in raw.split(separator: ",") {
                    guard let state = JobState(rawValue: String(name)) else {
                        throw ControllerError.invalid(
                            "state",
                            "unknown state '\(Terminal.safe(String(name.prefix(64))))'; use "
                                + JobState.allCases.map(\.rawValue).joined(separator: ", "))
                    }
                    states!.insert(state)
                }
            }
            let since = try optionalNumber(query.get("ended_since"), "ended_since", Double.self)
            if let since, !since.isFinite { throw ControllerError.invalid("ended_since", "must be a finite number") }
            let limit = try optionalNumber(query.get("limit"), "limit", Int.self)
            if let limit, limit < 1 || limit > maxLimit {
                throw ControllerError.invalid("limit", "must be 1 to \(maxLimit), got \(limit)")
            }
            let before = try optionalNumber(query.get("before"), "before", Int64.self)
            if let before, before < 1 { throw ControllerError.invalid("before", "must be a job id, 1 or more") }
            let node = query.get("node")
            if let node, node.isEmpty || node.utf8.count > JobSpec.Limits.maxNameLength {
                throw ControllerError.invalid(
                    "node", "must be a node name of 1 to \(JobSpec.Limits.maxNameLength) bytes")
            }
            return try json(
                try await controller.list(
                    for: principal, states: states, team: query.get("team"), user: query.get("user"),
                    endedSince: since, limit: limit, before: before.map { JobID($0) }, node: node))
        }
        get("/v1/jobs/changes") { request, _ in
            let principal = try await user(request)
            let query = request.uri.queryParameters
            let after = try optionalNumber(query.get("after"), "after", Int64.self) ?? 0
            if after < 0 { throw ControllerError.invalid("after", "must be 0 or more, got \(after)") }
            let wait = try optionalNumber(query.get("wait"), "wait", Int.self) ?? 0
            guard (0...60_000).contains(wait) else {
                throw ControllerError.invalid("wait", "must be 0 to 60000 milliseconds, got \(wait)")
            }
            return try json(await controller.jobChanges(after: after, wait: Double(wait) / 1000, for: principal))
        }
        get("/v1/jobs/:id") { request, context in
            let principal = try await user(request)
            return try json(try await controller.job(try jobID(context), for: principal))
        }
        post("/v1/jobs/:id/cancel") { request, context in
            let principal = try await user(request)
            return try json(try await controller.cancel(try jobID(context), by: principal))
        }
        post("/v1/jobs/:id/steps") { request, context in
            let id = try jobID(context)
            let body = try await decode(StepLaunchRequest.self, request)
            return try json(try await controller.launchStep(id, body, bearer: bearer(request)), status: .created)
        }
        get("/v1/jobs/:id/steps/:step") { request, context in
            let id = try jobID(context)
            return try json(try await controller.stepInfo(id, try stepID(context), bearer: bearer(request)))
        }
        get("/v1/jobs/:id/logs") { request, context in
            let id = try jobID(context)
            let query = request.uri.queryParameters
            let rank = try optionalNumber(query.get("rank"), "rank", Int.self) ?? 0
            let offset = try optionalNumber(query.get("offset"), "offset", Int64.self) ?? 0
            guard offset >= 0 else { throw ControllerError.invalid("offset", "must be 0 or more") }
            let step = try optionalNumber(query.get("step"), "step", Int.self)
            if let step, step < 0 { throw ControllerError.invalid("step", "must be 0 or more, got \(step)") }
            let target =
                if let step {
                    try await controller.stepLogTarget(id, step: step, rank: rank, bearer: bearer(request))
                } else {
                    try await controller.logTarget(id, rank: rank, for: try await user(request))
                }
            return try json(LogReader.read(job: id, rank: rank, path: target.path, offset: offset, done: target.done))
        }
        get("/v1/nodes") { request, _ in
            _ = try await user(request)
            let query = request.uri.queryParameters
            let state = query.get("state")
            if let state, !["up", "drained", "down", "returning"].contains(state) {
                throw ControllerError.invalid("state", "must be up, drained, down or returning")
            }
            let limit = try optionalNumber(query.get("limit"), "limit", Int.self)
            if let limit, limit < 1 || limit > maxLimit {
                throw ControllerError.invalid("limit", "must be 1 to \(maxLimit), got \(limit)")
            }
            for field in ["leaf", "after"] {
                if let v = query.get(field), v.isEmpty || v.utf8.count > JobSpec.Limits.maxNameLength {
                    throw ControllerError.invalid(field, "must be 1 to \(JobSpec.Limits.maxNameLength) bytes")
                }
            }
            return try json(
                await controller.nodePage(
                    state: state, leaf: query.get("leaf"), after: query.get("after"), limit: limit))
        }
        get("/v1/leaves") { request, _ in
            _ = try await user(request)
            return try json(await controller.leaves())
        }
        get("/v1/nodes/:name") { request, context in
            _ = try await user(request)
            return try json(try await controller.node(try nodeName(context)))
        }
        post("/v1/nodes/:name/drain") { request, context in
            let principal = try await user(request)
            let name = try nodeName(context)
            let body = try await decode(DrainRequest.self, request)
            return try json(try await controller.drain(name, body, by: principal))
        }
        post("/v1/nodes/:name/resume") { request, context in
            let principal = try await user(request)
            return try json(try await controller.resume(try nodeName(context), by: principal))
        }
        post("/v1/services") { request, _ in
            let principal = try await user(request)
            let body = try await decode(ServiceRequest.self, request)
            let info = try await controller.createService(body, by: principal)
            await gateway?.kick()
            return try json(info, status: .created)
        }
        // Adds the router's last minute of latency to a service's view.
        @Sendable func withLatency(_ info: ServiceInfo) async -> ServiceInfo {
            guard let latency = await gateway?.latency(info.name) else { return info }
            var info = info
            info.requestsLastMinute = latency.count
            info.latencyP50Ms = latency.p50
            info.latencyP99Ms = latency.p99
            return info
        }
        get("/v1/services") { request, _ in
            let principal = try await user(request)
            var services: [ServiceInfo] = []
            for info in await controller.serviceList(for: principal) { services.append(await withLatency(info)) }
            return try json(ServiceList(services: services))
        }
        get("/v1/services/:name") { request, context in
            let principal = try await user(request)
            let name = try serviceName(context)
            let load = await gateway?.load(name) ?? (byJob: [:], queued: 0)
            return try json(
                await withLatency(
                    try await controller.serviceInfo(name, for: principal, load: load.byJob, queued: load.queued)))
        }
        post("/v1/services/:name/scale") { request, context in
            let principal = try await user(request)
            let name = try serviceName(context)
            let body = try await decode(ScaleRequest.self, request)
            let info = try await controller.scaleService(name, to: body.replicas, by: principal)
            await gateway?.kick()
            return try json(info)
        }
        post("/v1/services/:name/rollout") { request, context in
            let principal = try await user(request)
            let name = try serviceName(context)
            let body = try await decode(RolloutRequest.self, request)
            let info = try await controller.rolloutService(name, body, by: principal)
            await gateway?.kick()
            return try json(info)
        }
        post("/v1/services/:name/stop") { request, context in
            let principal = try await user(request)
            return try json(try await controller.stopService(try serviceName(context), by: principal))
        }
        // The services' own traffic: not part of the JSON API (any path, any body), so not in the document.
        if let gateway {
            let proxy: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, context in
                let principal = try await user(request)
                let name = try serviceName(context)
                var path = String(request.uri.path.dropFirst("/s/\(name)".count))
                if path.isEmpty { path = "/" }
                if let query = request.uri.query, !query.isEmpty { path += "?" + query }
                return try await gateway.forward(name, path: path, request: request, principal: principal)
            }
            for pattern in ["/s/:name", "/s/:name/**"] {
                router.get(RouterPath(pattern), use: proxy)
                router.post(RouterPath(pattern), use: proxy)
            }
        }
        get("/v1/history") { request, _ in
            let principal = try await user(request)
            let query = request.uri.queryParameters
            var history = HistoryQuery()
            history.user = try label(query.get("user"), "user")
            history.team = try label(query.get("team"), "team")
            if let states = query.get("state") {
                history.states = states.split(separator: ",").map(String.init)
                guard !history.states.isEmpty,
                    history.states.allSatisfy({ ["completed", "failed", "cancelled", "preempted"].contains($0) })
                else {
                    throw ControllerError.invalid("state", "give end states: completed, failed, cancelled, preempted")
                }
            }
            history.since = try time(query.get("since"), "since")
            history.until = try time(query.get("until"), "until")
            history.before = try optionalNumber(query.get("before"), "before", Int64.self)
            let limit = try optionalNumber(query.get("limit"), "limit", Int.self) ?? 100
            guard (1...maxLimit).contains(limit) else {
                throw ControllerError.invalid("limit", "must be 1 to \(maxLimit), got \(limit)")
            }
            history.limit = limit
            return try json(try await controller.history(history, by: principal))
        }
        get("/v1/usage") { request, _ in
            let principal = try await user(request)
            let query = request.uri.queryParameters
            let by = query.get("by") ?? "team"
            guard by == "team" || by == "user" else { throw ControllerError.invalid("by", "must be team or user") }
            return try json(
                try await controller.usage(
                    byTeam: by == "team", since: try time(query.get("since"), "since"),
                    until: try time(query.get("until"), "until"), by: principal))
        }
        get("/v1/utilisation") { request, _ in
            _ = try await user(request)
            return try json(await controller.utilisationList())
        }
        get("/v1/teams") { request, _ in
            _ = try await user(request)
            return try json(try await controller.teams())
        }
        post("/v1/admin/reload") { request, _ in
            let principal = try await user(request)
            return try json(try await controller.reloadConfig(by: principal))
        }
        post("/v1/admin/tokens") { request, _ in
            let principal = try await user(request)
            let body = try await decode(TokenRequest.self, request)
            return try json(try await controller.createToken(body, by: principal), status: .created)
        }
        post("/v1/agents/register") { request, _ in
            try await controller.checkJoin(bearer: bearer(request))
            let body = try await decode(RegisterAgentRequest.self, request)
            return try json(try await controller.register(body))
        }
        post("/v1/agents/:name/heartbeat") { request, context in
            let name = try nodeName(context)
            try await controller.checkAgent(name, bearer: bearer(request))
            let body = try await decode(Heartbeat.self, request)
            return try json(try await controller.heartbeat(name, body))
        }
        get("/v1/agents/:name/assignments") { request, context in
            let name = try nodeName(context)
            try await controller.checkAgent(name, bearer: bearer(request))
            let query = request.uri.queryParameters
            let waitMs = try optionalNumber(query.get("wait"), "wait", Double.self) ?? 0
            let after = try optionalNumber(query.get("after"), "after", Int64.self) ?? 0
            let wait = waitMs.isFinite ? min(maxWait, max(0, waitMs / 1000)) : 0
            let batch = try await controller.poll(name, after: after, instance: query.get("instance"), wait: wait)
            return try json(batch)
        }
        post("/v1/agents/:name/reports") { request, context in
            let name = try nodeName(context)
            try await controller.checkAgent(name, bearer: bearer(request))
            let body = try await decode(ReportBatch.self, request)
            try await controller.reports(name, body)
            return try json(["status": "ok"])
        }
        post("/v1/relays/:relay/heartbeats") { request, context in
            try await controller.checkJoin(bearer: bearer(request))
            let body = try await decode(RelayHeartbeats.self, request)
            return try json(try await controller.relayHeartbeats(relayName(context), body))
        }
        post("/v1/relays/:relay/reports") { request, context in
            try await controller.checkJoin(bearer: bearer(request))
            let body = try await decode(RelayReports.self, request)
            return try json(try await controller.relayReports(relayName(context), body))
        }
        post("/v1/relays/:relay/poll") { request, context in
            try await controller.checkJoin(bearer: bearer(request))
            let body = try await decode(RelayPoll.self, request)
            return try json(try await controller.relayPoll(relayName(context), body))
        }
        post("/v1/agents/:name/logs") { request, context in
            let name = try nodeName(context)
            try await controller.checkAgent(name, bearer: bearer(request))
            let body = try await decode(LogUpload.self, request)
            try await controller.uploadLog(name, body)
            return try json(["status": "ok"])
        }
        return (router, routes)
    }

    /// The token of `Authorization: Bearer TOKEN`.
    static func bearer(_ request: Request) -> String? {
        guard let value = request.headers[.authorization] else { return nil }
        let parts = value.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return String(parts[1]).trimmingCharacters(in: .whitespaces)
    }

    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try MusterJSON.encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Reads a body of at most `maxBody` bytes (413 beyond), refusing unknown fields (400 naming the field) and
    /// anything that does not decode to `T` (400 naming the field).
    static func decode<T: Decodable & WireFields>(_ type: T.Type, _ request: Request) async throws -> T {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxBody)
        } catch {
            throw ControllerError.tooLarge("the body is larger than \(maxBody >> 20) MiB")
        }
        let data = Data(buffer.readableBytesView)
        let value: T
        do {
            value = try MusterJSON.decode(type, from: data)
        } catch let error as DecodingError {
            throw DecodingErrorMessage.controllerError(error)
        } catch {
            throw ControllerError.badRequest("the body is not valid JSON: \(error)")
        }
        if let unknown = WireFieldCheck.firstUnknown(data, T.self) {
            throw ControllerError.invalid(unknown, "unknown field; see /v1/openapi.json for the fields")
        }
        return value
    }

    static func jobID(_ context: BasicRequestContext) throws -> Int64 {
        guard let raw = context.parameters.get("id"), let id = Int64(raw), id > 0 else {
            throw ControllerError.invalid(
                "id",
                "a job id is a positive integer, got '\(Terminal.safe(String((context.parameters.get("id") ?? "").prefix(64))))'"
            )
        }
        return id
    }

    static func stepID(_ context: BasicRequestContext) throws -> Int {
        guard let raw = context.parameters.get("step"), let step = Int(raw), step >= 0 else {
            throw ControllerError.invalid(
                "step",
                "a step id is 0 or more, got '\(Terminal.safe(String((context.parameters.get("step") ?? "").prefix(64))))'"
            )
        }
        return step
    }

    static func nodeName(_ context: BasicRequestContext) throws -> String {
        guard let name = context.parameters.get("name"), !name.isEmpty, name.utf8.count <= 64 else {
            throw ControllerError.invalid("name", "a node name of 1 to 64 characters is required")
        }
        return name
    }

    /// A name filter: 1 to 128 bytes, or absent.
    static func label(_ value: String?, _ field: String) throws -> String? {
        guard let value else { return nil }
        guard !value.isEmpty, value.utf8.count <= JobSpec.Limits.maxNameLength else {
            throw ControllerError.invalid(field, "must be 1 to \(JobSpec.Limits.maxNameLength) bytes")
        }
        return value
    }

    /// A time in seconds since 1970 (0 to year 10000), or absent.
    static func time(_ value: String?, _ field: String) throws -> Double? {
        guard let seconds = try optionalNumber(value, field, Double.self) else { return nil }
        guard seconds.isFinite, seconds >= 0, seconds <= 253_402_300_800 else {
            throw ControllerError.invalid(field, "must be seconds since 1970, 0 to 253402300800")
        }
        return seconds
    }

    /// The `:relay` path parameter (checked by `Controller.checkRelay`).
    static func relayName(_ context: BasicRequestContext) -> String {
        context.parameters.get("relay") ?? ""
    }

    static func serviceName(_ context: BasicRequestContext) throws -> String {
        guard let name = context.parameters.get("name"), !name.isEmpty, name.utf8.count <= 63 else {
            throw ControllerError.invalid("name", "a service name of 1 to 63 characters is required")
        }
        return name
    }

    static func optionalNumber<T: LosslessStringConvertible>(
        _ raw: String?, _ field: String, _ type: T.Type
    ) throws -> T? {
        guard let raw, !raw.isEmpty else { return nil }
        guard let value = T(raw) else {
            throw ControllerError.invalid(field, "'\(Terminal.safe(String(raw.prefix(64))))' is not a number")
        }
        return value
    }
}
