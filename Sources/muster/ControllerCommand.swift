import ArgumentParser
import Foundation
import MusterCore
import MusterServer

/// `muster controller`: the HTTP API, the scheduler loop and the agent registry, state in SQLite.
struct ControllerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "controller", abstract: "Run the controller (HTTP API, scheduler, state in SQLite).")

    @Option(help: "Directory for the database, logs and checkpoints.")
    var data: String = ".muster"

    @Option(help: "HOST:PORT to listen on (port 0: any free port).")
    var listen: String = "127.0.0.1:7420"

    @Option(help: "fifo | priority | backfill")
    var policy: SchedulingPolicy = .backfill

    @Option(name: .customLong("heartbeat-timeout"), help: "Seconds without word from an agent before its node is down.")
    var heartbeatTimeout: Double = 10

    @Option(name: .customLong("kill-grace"), help: "Seconds between SIGTERM and SIGKILL.")
    var killGrace: Double = 5

    @Option(name: .customLong("port-file"), help: "Write the bound port to this file once listening.")
    var portFile: String?

    func run() async throws {
        let address = try ListenAddress(listen)
        let logger = LoggingSetup.logger("muster.controller")
        let config = ControllerConfig(
            dataDir: absolutePath(data), policy: policy, heartbeatTimeout: heartbeatTimeout, killGrace: killGrace)
        let server = try ServerStartup.open(config: config, logger: logger)
        let portFile = self.portFile
        try await ServerStartup.serve(server, address: address) { port in
            logger.info("controller listening on http://\(address.host):\(port), data in \(config.dataDir)")
            if let portFile { try? "\(port)\n".write(toFile: portFile, atomically: true, encoding: .utf8) }
        }
    }
}

/// `path` made absolute against the current directory.
func absolutePath(_ path: String) -> String {
    let expanded = (path as NSString).expandingTildeInPath
    if expanded.hasPrefix("/") { return (expanded as NSString).standardizingPath }
    return ((FileManager.default.currentDirectoryPath + "/" + expanded) as NSString).standardizingPath
}
