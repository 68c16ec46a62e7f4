import ArgumentParser
import Foundation
import Logging
import MusterCore
import MusterServer
import MusterStore

/// `muster controller`: the HTTP API, the scheduler loop and the agent registry, state in SQLite.
struct ControllerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "controller", abstract: "Run the controller (HTTP API, scheduler, state in SQLite).")

    @OptionGroup var options: ControllerOptions

    @Option(name: .customLong("port-file"), help: "Write the bound port to this file once listening.")
    var portFile: String?

    @Option(
        help: ArgumentHelp(
            "With a PostgreSQL --store: the URL clients reach this controller at (default http://LISTEN), told to "
                + "them by the standbys."))
    var advertise: String?

    @Option(
        name: .customLong("lease-ttl"),
        help: "With a PostgreSQL --store: seconds the leader's lease lasts unless renewed (takeover time).")
    var leaseTTL: Double = 5

    func run() async throws {
        let address = try ListenAddress(options.listen)
        let logger = LoggingSetup.logger("muster.controller")
        let config = try options.controllerConfig()
        if let url = config.storeURL {
            try await lead(url: url, config: config, address: address, logger: logger)
            return
        }
        let server = try await ServerStartup.open(config: config, logger: logger)
        let portFile = self.portFile
        try await ServerStartup.serve(server, address: address) { port in
            logger.info("controller listening on http://\(address.host):\(port), data in \(config.dataDir)")
            if let portFile { try? "\(port)\n".write(toFile: portFile, atomically: true, encoding: .utf8) }
        }
    }
}

extension ControllerCommand {
    /// A controller on a shared PostgreSQL store: stands by until it holds the lease, then loads the state and
    /// leads while it keeps the lease. A leader that loses the lease (another took it while this one stalled, or
    /// no renewal got through for a whole ttl) stops leading at once, drops its in-memory state and stands by
    /// again on the same address, as a restarted process would; SIGTERM/SIGINT end it.
    func lead(url: String, config: ControllerConfig, address: ListenAddress, logger: Logger) async throws {
        let store: PostgresStore
        do {
            store = try await PostgresStore(url: url, logger: logger)
        } catch {
            printError("muster: cannot start the controller: \(error)")
            throw ExitCode(1)
        }
        let lease = ControllerLease(
            store: store, address: advertise ?? "http://\(address.host):\(address.port)", ttl: leaseTTL)
        let portFile = self.portFile
        while true {
            let epoch = try await StandbyServer(lease: lease, logger: logger).waitForLease(
                host: address.host, port: address.port
            ) { port in
                logger.info("standby listening on http://\(address.host):\(port); the leader is elsewhere")
                if let portFile { try? "\(port)\n".write(toFile: portFile, atomically: true, encoding: .utf8) }
            }
            store.fence(epoch: epoch)
            logger.info("leading: lease epoch \(epoch) in \(store.url)")
            let deposed = try await leadOnce(
                epoch: epoch, lease: lease, store: store, config: config, address: address, logger: logger)
            guard deposed else {
                await lease.release(epoch: epoch)
                return
            }
            logger.warning("no longer leading (lease epoch \(epoch) lost): standing by again")
        }
    }

    /// Leads at lease `epoch` until a signal stops the server (false) or the lease is lost (true; the server has
    /// stopped by then and its port is free).
    private func leadOnce(
        epoch: Int64, lease: ControllerLease, store: PostgresStore, config: ControllerConfig,
        address: ListenAddress, logger: Logger
    ) async throws -> Bool {
        let portFile = self.portFile
        // Every request is refused (503 not_leader) once the lease may have run out by this process's clock.
        var config = config
        config.leaseHeld = { [validity = lease.validity] in validity.held }
        return try await withThrowingTaskGroup(of: Bool.self) { group in
            // The lease is kept from the start: loading the state may take longer than its time to live.
            group.addTask {
                do {
                    try await lease.keep(epoch: epoch)
                    return false
                } catch {
                    logger.error("\(error)")
                    return true
                }
            }
            group.addTask { [config] in
                let server = try await ServerStartup.open(config: config, logger: logger, store: store)
                try Task.checkCancellation()  // the lease was lost while the state loaded
                try await ServerStartup.serve(server, address: address) { port in
                    logger.info("controller listening on http://\(address.host):\(port), state in \(store.url)")
                    if let portFile { try? "\(port)\n".write(toFile: portFile, atomically: true, encoding: .utf8) }
                }
                return false
            }
            let deposed = try await group.next() ?? false
            group.cancelAll()
            // Both end before the standby takes the port again.
            while (try? await group.next()) != nil {}
            return deposed
        }
    }
}

/// `path` made absolute against the current directory.
func absolutePath(_ path: String) -> String {
    let expanded = (path as NSString).expandingTildeInPath
    if expanded.hasPrefix("/") { return (expanded as NSString).standardizingPath }
    return ((FileManager.default.currentDirectoryPath + "/" + expanded) as NSString).standardizingPath
}
