import ArgumentParser
import Foundation
import MusterAPI
import MusterClient

/// `muster rollout NAME -- NEWCMD`: replace a service's replicas one at a time with a new command.
struct RolloutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollout", abstract: "Roll a service out to a new command, one replica at a time.",
        discussion: """
            Each new replica must be ready before the old one stops taking requests and is retired (surge 1, \
            unavailable 0). A new replica that fails, or is not ready within the startup deadline, rolls the service \
            back; muster service show tells what happened.
            """)

    @OptionGroup var client: ClientOptions

    @Argument(help: "Service name.")
    var name: String

    @Option(name: .customLong("gpus-per-node"), help: "GPUs of each replica's node (default 1).")
    var gpusPerNode: Int = 1

    @Option(name: .customLong("nodes-per-replica"), help: "Nodes of each replica (default 1).")
    var nodesPerReplica: Int = 1

    @Option(name: [.customLong("class"), .customLong("priority")], help: "Priority class (default serving).")
    var priority: String?

    @Option(help: "Team that owns the service.")
    var team: String?

    @Option(name: .customLong("env"), help: "Extra variable NAME=VALUE (repeatable).")
    var extraEnv: [String] = []

    @Argument(parsing: .postTerminator, help: "The new replica command.")
    var command: [String] = []

    func validate() throws {
        guard !command.isEmpty else { throw ValidationError("give the new replica command after --") }
    }

    func run() async throws {
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("MUSTER_TOKEN") }
        for item in extraEnv {
            let kv = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2 else { throw ValidationError("--env takes NAME=VALUE, got '\(item)'") }
            env[kv[0]] = kv[1]
        }
        let replica = SubmitRequest(
            name: name, gpus: gpusPerNode * nodesPerReplica, nodes: nodesPerReplica, gpusPerNode: gpusPerNode,
            team: team, priority: priority, command: command, workdir: FileManager.default.currentDirectoryPath,
            env: env)
        let info = try await client.withClient { try await $0.rollout(name, replica: replica) }
        if client.json {
            try printJSON(info)
        } else {
            print("service \(info.name): rolling out; muster service show \(info.name) follows it")
        }
    }
}
