import Foundation
import Hummingbird
import Logging
import MusterStore
import ServiceLifecycle

#if canImport(Glibc)
    import Glibc
#endif

/// The controller process: the HTTP API and the scheduler loop around one `Controller`.
public struct ControllerServer: Sendable {
    public let controller: Controller
    public let config: ControllerConfig
    /// Every route registered, as `METHOD /path/{param}`.
    public let routes: [String]
    let logger: Logger

    /// The lock that keeps a second controller off this data directory, held for the process's life.
    let lock: DataDirectoryLock

    /// Creates the data directory (owner-only), locks it, opens the store (SQLite in it, or the PostgreSQL database
    /// of `config.storeURL`; or `store` when given, already open and leading) and loads the state.
    /// On a fresh directory it creates the first admin token (for `adminUser`) and the join token, and writes
    /// them to `token` and `join.token` in the directory (mode 0600).
    public init(
        config: ControllerConfig, logger: Logger, adminUser: String? = nil, store given: (any Store)? = nil
    ) async throws {
        do {
            try FileManager.default.createDirectory(
                atPath: config.dataDir + "/logs", withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
            // Traversable (not listable) by others: jobs running as users reach their checkpoints/<job> below it.
            chmod(config.dataDir, 0o711)
            try FileManager.default.createDirectory(
                atPath: config.dataDir + "/checkpoints", withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o711])
        } catch {
            throw StoreError("cannot create the data directory \(config.dataDir): \(error.localizedDescription)")
        }
        lock = try DataDirectoryLock(directory: config.dataDir)
        let store: any Store
        if let given {
            store = given
        } else if let url = config.storeURL {
            store = try await PostgresStore(url: url, logger: logger)
        } else {
            store = try SQLiteStore(path: config.databasePath)
        }
        controller = try await Controller(config: config, store: store, logger: logger)
        routes = ControllerRoutes.router(for: controller).1
        self.config = config
        self.logger = logger
        if await controller.hasNoTokens {
            let admin = try await controller.issueToken(user: adminUser ?? Self.localUser(), role: .admin)
            let join = try await controller.issueToken(user: "agents", role: .join)
            try Self.writeSecret(admin.token, to: tokenPath)
            try Self.writeSecret(join.token, to: joinTokenPath)
            logger.info(
                "created the first admin token (user \(admin.user)) in \(tokenPath) and the join token in \(joinTokenPath)"
            )
        }
    }

    /// The admin token file made on first start.
    public var tokenPath: String { config.dataDir + "/token" }
    /// The join token file made on first start (agents read it with --join-token-file).
    public var joinTokenPath: String { config.dataDir + "/join.token" }

    /// The user running this process.
    static func localUser() -> String {
        if let pw = getpwuid(geteuid()), let name = pw.pointee.pw_name { return String(cString: name) }
        return ProcessInfo.processInfo.environment["USER"] ?? "admin"
    }

    static func writeSecret(_ secret: String, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw StoreError("cannot write \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        fchmod(fd, 0o600)
        let bytes = Array((secret + "\n").utf8)
        guard write(fd, bytes, bytes.count) == bytes.count else {
            throw StoreError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Serves on `host:port` (0: any free port) until cancelled, or until SIGTERM/SIGINT when `handleSignals`;
    /// `onReady` gets the bound port once the server listens.
    public func run(
        host: String, port: Int, handleSignals: Bool = true,
        onReady: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        let gateway = ServiceGateway(controller: controller, logger: logger)
        let router = ControllerRoutes.router(for: controller, gateway: gateway).0
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
            await gateway.shutdown()
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
                    await gateway.run()
                    return false
                }
                if let days = self.config.historyDays {
                    group.addTask {
                        // Retention: ended jobs older than the window leave the store, now and every hour.
                        while !Task.isCancelled {
                            do {
                                let purged = try await controller.purgeHistory(olderThan: days)
                                if purged > 0 { controller.logger.info("history: \(purged) ended job(s) purged") }
                            } catch {
                                controller.logger.warning("history not purged: \(error)")
                            }
                            try? await Task.sleep(for: .seconds(3_600))
                        }
                        return false
                    }
                }
                let interval = config.utilisationInterval
                group.addTask {
                    // A utilisation sample now and every interval after, until the group is cancelled.
                    repeat {
                        await controller.sampleUtilisation()
                    } while (try? await Task.sleep(for: .seconds(interval))) != nil
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
                        // SIGHUP reads the config file again; a bad one is logged and the running config stays.
                        for await _ in SignalWaiter.every(SIGHUP) {
                            do {
                                _ = try await controller.reloadConfig()
                            } catch {
                                controller.logger.error("config not reloaded: \(error)")
                            }
                        }
                        return false
                    }
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
                    await gateway.shutdown()
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
