import Foundation
import Hummingbird
import Logging
import MusterAPI
import MusterClient
import ServiceLifecycle

/// `muster relay`'s HTTP face: the agents' routes (`/v1/agents/...`), served by a `Relay` instead of the
/// controller, so an agent points `--controller` at its relay and changes nothing else.
public struct RelayServer: Sendable {
    public let relay: Relay
    let logger: Logger

    public init(relay: Relay, logger: Logger) {
        self.relay = relay
        self.logger = logger
    }

    /// The router: the agents' five routes and `/healthz`.
    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: ErrorMiddleware())
        let relay = self.relay
        typealias R = ControllerRoutes
        router.get("/healthz") { _, _ in try R.json(["status": "ok"]) }
        router.post("/v1/agents/register") { request, _ in
            let body = try await R.decode(RegisterAgentRequest.self, request)
            return try R.json(
                try await Self.forward { () async throws(ClientError) in
                    try await relay.register(body, bearer: R.bearer(request))
                })
        }
        router.post("/v1/agents/:name/heartbeat") { request, context in
            let name = try R.nodeName(context)
            var body = try await R.decode(Heartbeat.self, request)
            body.name = name
            return try R.json(
                try await Self.forward { () async throws(ClientError) in
                    try await relay.heartbeat(body, bearer: R.bearer(request))
                })
        }
        router.get("/v1/agents/:name/assignments") { request, context in
            let name = try R.nodeName(context)
            let query = request.uri.queryParameters
            let waitMs = try R.optionalNumber(query.get("wait"), "wait", Double.self) ?? 0
            let after = try R.optionalNumber(query.get("after"), "after", Int64.self) ?? 0
            let wait = waitMs.isFinite ? Int(min(R.maxWait * 1000, max(0, waitMs))) : 0
            let batch = try await Self.forward { () async throws(ClientError) in
                try await relay.assignments(
                    node: name, after: after, instance: query.get("instance"), waitMilliseconds: wait,
                    bearer: R.bearer(request))
            }
            return try R.json(batch)
        }
        router.post("/v1/agents/:name/reports") { request, context in
            let name = try R.nodeName(context)
            let body = try await R.decode(ReportBatch.self, request)
            try await Self.forward { () async throws(ClientError) in
                try await relay.report(node: name, body.reports, bearer: R.bearer(request))
            }
            return try R.json(["status": "ok"])
        }
        router.post("/v1/agents/:name/logs") { request, context in
            let name = try R.nodeName(context)
            let body = try await R.decode(LogUpload.self, request)
            try await Self.forward { () async throws(ClientError) in
                try await relay.uploadLog(node: name, body, bearer: R.bearer(request))
            }
            return try R.json(["status": "ok"])
        }
        return router
    }

    /// Runs `body`, turning the controller's (or the relay's) refusal into the same HTTP answer, and an
    /// unreachable controller into 502.
    static func forward<T: Sendable>(_ body: () async throws(ClientError) -> T) async throws(ControllerError) -> T {
        do {
            return try await body()
        } catch {
            switch error {
            case .server(let status, let code, let message):
                throw ControllerError(status: status, code: code, message: message)
            case .unreachable, .badResponse:
                throw ControllerError(status: 502, code: "bad_gateway", message: "relay: \(error.description)")
            }
        }
    }

    /// Serves on `host:port` (0: any free port) until cancelled; `onReady` gets the bound port.
    public func run(host: String, port: Int, onReady: @escaping @Sendable (Int) async -> Void = { _ in })
        async throws
    {
        let app = Application(
            router: router(),
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in await onReady(channel.localAddress?.port ?? port) },
            logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        let relay = self.relay
        try await withTaskCancellationHandler {
            try await group.run()
        } onCancel: {
            Task { await group.triggerGracefulShutdown() }
        }
        await relay.shutdown()
    }
}
