import Foundation
import Hummingbird
import Logging
import MusterStore

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
        let controller = self.controller
        try await withTaskCancellationHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await controller.run() }
                group.addTask { try await app.run() }
                if handleSignals {
                    group.addTask {
                        await SignalWaiter.wait()
                        controller.logger.info("signal received: shutting down")
                    }
                }
                _ = try await group.next()
                // Answer the agents' long-polls now so the server's graceful shutdown does not wait for them.
                await controller.shutdown()
                group.cancelAll()
            }
        } onCancel: {
            Task { await controller.shutdown() }
        }
    }
}
