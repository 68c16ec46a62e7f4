import ArgumentParser
import Foundation
import MusterServer

/// `muster relay`: the relay of one leaf block or rack. Its agents point `--controller` at it; it batches their
/// heartbeats and reports and holds one long-poll to the controller for all of them.
struct RelayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relay",
        abstract: "Run a relay between the agents of a leaf block and the controller.",
        discussion: """
            Agents started with --controller http://RELAY:PORT speak their usual protocol to the relay; the relay \
            forwards registrations and log uploads, sends heartbeats and task reports in batches and holds one \
            long-poll to the controller for all its nodes. It authenticates to the controller with the join token.
            """)

    @Option(help: "Controller URL (default: $MUSTER_URL, else http://127.0.0.1:7420).")
    var controller: String?

    @Option(help: "Address the agents reach the relay at (HOST:PORT).")
    var listen: String = "0.0.0.0:7421"

    @Option(help: "Relay name (default: relay-HOSTNAME): 1 to 64 letters, digits, '.', '_' or '-'.")
    var name: String?

    @Option(
        name: .customLong("join-token-file"),
        help: "File holding the cluster's join token (default: $MUSTER_JOIN_TOKEN).")
    var joinTokenFile: String?

    func run() async throws {
        let address = try ListenAddress(listen)
        let url = controller ?? ProcessInfo.processInfo.environment["MUSTER_URL"] ?? "http://127.0.0.1:7420"
        let relayName = name ?? "relay-" + ProcessInfo.processInfo.hostName
        guard !relayName.isEmpty, relayName.utf8.count <= 64,
            relayName.unicodeScalars.allSatisfy({
                $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0))
            })
        else {
            throw ValidationError("--name takes 1 to 64 letters, digits, '.', '_' or '-'; got '\(relayName)'")
        }
        guard let joinToken = try AgentCommand.joinToken(file: joinTokenFile) else {
            throw ValidationError("the relay needs the join token: --join-token-file FILE or $MUSTER_JOIN_TOKEN")
        }
        let logger = LoggingSetup.logger("muster.relay.\(relayName)")
        let relay = Relay(name: relayName, controllerURL: url, joinToken: joinToken, logger: logger)
        logger.info("relay \(relayName) for \(url) on \(listen)")
        try await RelayServer(relay: relay, logger: logger).run(host: address.host, port: address.port) { port in
            print("relay \(relayName) listening on \(address.host):\(port)")
            fflush(nil)
        }
    }
}
