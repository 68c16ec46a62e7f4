import ArgumentParser
import Foundation
import MusterCore
import MusterServer

/// `muster controller`: the HTTP API, the scheduler loop and the agent registry, state in SQLite.
struct ControllerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "controller", abstract: "Run the controller (HTTP API, scheduler, state in SQLite).")

    @OptionGroup var options: ControllerOptions

    @Option(name: .customLong("port-file"), help: "Write the bound port to this file once listening.")
    var portFile: String?

    func run() async throws {
        let address = try ListenAddress(options.listen)
        let logger = LoggingSetup.logger("muster.controller")
        let config = try options.controllerConfig()
        let server = try await ServerStartup.open(config: config, logger: logger)
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
