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
    /// leads while it keeps the lease. Losing the lease ends the process (exit 75): a supervisor starts it again,
    /// and it stands by.
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
        let epoch = try await StandbyServer(lease: lease, logger: logger).waitForLease(
            host: address.host, port: address.port
        ) { port in
            logger.info("standby listening on http://\(address.host):\(port); the leader is elsewhere")
            if let portFile { try? "\(port)\n".write(toFile: portFile, atomically: true, encoding: .utf8) }
        }
        store.fence(epoch: epoch)
        logger.info("leading: lease epoch \(epoch) in \(store.url)")
        let server = try await ServerStartup.open(config: config, logger: logger, store: store)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    try await lease.keep(epoch: epoch)
                } catch {
                    printError("muster: \(error); exiting")
                    Foundation.exit(75)
                }
            }
            group.addTask {
                try await ServerStartup.serve(server, address: address) { port in
                    logger.info("controller listening on http://\(address.host):\(port), state in \(store.url)")
                    if let portFile { try? "\(port)\n".write(toFile: portFile, atomically: true, encoding: .utf8) }
                }
            }
            try await group.next()
            group.cancelAll()
        }
        await lease.release(epoch: epoch)
    }
}

/// `path` made absolute against the current directory.
func absolutePath(_ path: String) -> String {
    let expanded = (path as NSString).expandingTildeInPath
    if expanded.hasPrefix("/") { return (expanded as NSString).standardizingPath }
    return ((FileManager.default.currentDirectoryPath + "/" + expanded) as NSString).standardizingPath
}
