import Foundation
import Hummingbird
import Logging
import MusterStore
import ServiceLifecycle

/// The controller process: the HTTP API and the scheduler loop around one `Controller`.
public struct ControllerServer: Sendable {
    public let controller: Controller
    public let config: ControllerConfig
    /// Every route registered, as `METHOD /path/{param}`.
    public let routes: [String]
    let logger: Logger

    /// Creates the data directory, opens the SQLite store in it and loads the state.
    public init(config: ControllerConfig, logger: Logger) throws {
        do {
            try FileManager.default.createDirectory(
                atPath: config.dataDir + "/logs", withIntermediateDirectories: true)
        } catch {
            throw StoreError("cannot create the data directory \(config.dataDir): \(error.localizedDescription)")
        }
        let store = try SQLiteStore(path: config.databasePath)
        controller = try Controller(config: config, store: store, logger: logger)
        routes = ControllerRoutes.router(for: controller).1
        self.config = config
        self.logger = logger
    }

    /// Serves on `host:port` (0: any free port) until cancelled, or until SIGTERM/SIGINT when `handleSignals`;
    /// `onReady` gets the bound port once the server listens.
    public func run(
        host: String, port: Int, handleSignals: Bool = true,
        onReady: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        let router = ControllerRoutes.router(for: controller).0
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in await onReady(channel.localAddress?.port ?? port) },
            logger: logger)
        // The server runs in a service group so that it stops gracefully (drains connections) rather than being
        // cancelled mid-accept; signals are ours to handle.
        let server = ServiceGroup(
            configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        let controller = self.controller
        let stop: @Sendable () async -> Void = {
            // Answer the agents' long-polls first so the graceful shutdown does not wait for them.
            await controller.shutdown()
            await server.triggerGracefulShutdown()
        }
        // The work runs in its own task so that cancelling the caller (`muster bench live`, tests) stops the server
        // gracefully through `stop` instead of cancelling Hummingbird mid-accept, which logs errors.
        let work = Task {
            // Each child says whether it was the HTTP server; when the server has stopped, so does the rest.
            try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    await controller.run()
                    return false
                }
                group.addTask {
                    do {
                        try await server.run()
                    } catch {
                        await controller.shutdown()
                        throw error
                    }
                    return true
                }
                if handleSignals {
                    group.addTask {
                        guard await SignalWaiter.wait() else { return false }
                        controller.logger.info("signal received: shutting down")
                        await stop()
                        return false
                    }
                }
                do {
                    // The first error stops the rest; so does the server's end (the signal wait is cancelled).
                    while let wasServer = try await group.next(), !wasServer {}
                    await controller.shutdown()
                    group.cancelAll()
                } catch {
                    group.cancelAll()
                    throw error
                }
            }
        }
        try await withTaskCancellationHandler {
            try await work.value
        } onCancel: {
            Task { await stop() }
        }
    }
}
