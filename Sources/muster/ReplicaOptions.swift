import ArgumentParser
import Foundation
import MusterAPI

/// What one replica of a service is (`muster serve`, `muster rollout`): its shape, class, team, environment and
/// the command after `--`.
struct ReplicaOptions: ParsableArguments {
    @Option(name: .customLong("gpus-per-node"), help: "GPUs of each replica's node (default 1).")
    var gpusPerNode: Int = 1

    @Option(name: .customLong("nodes-per-replica"), help: "Nodes of each replica (a gang; default 1).")
    var nodesPerReplica: Int = 1

    @Option(name: [.customLong("class"), .customLong("priority")], help: "Priority class (default serving).")
    var priority: String?

    @Option(help: "Team that owns the service.")
    var team: String?

    @Option(name: .customLong("env"), help: "Extra variable NAME=VALUE (repeatable).")
    var extraEnv: [String] = []

    @Argument(parsing: .postTerminator, help: "The replica's command.")
    var command: [String] = []

    func validate() throws {
        guard !command.isEmpty else { throw ValidationError("give the replica's command after --") }
        guard (1...1_000).contains(nodesPerReplica), (0...64).contains(gpusPerNode) else {
            throw ValidationError("--nodes-per-replica must be 1 to 1000 and --gpus-per-node 0 to 64")
        }
    }

    /// The replica as a job request: run in the current directory with the current environment (tokens left
    /// out) plus `--env`.
    func request(name: String) throws -> SubmitRequest {
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("MUSTER_TOKEN") }
        for item in extraEnv {
            let kv = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2 else { throw ValidationError("--env takes NAME=VALUE, got '\(item)'") }
            env[kv[0]] = kv[1]
        }
        return SubmitRequest(
            name: name, gpus: gpusPerNode * nodesPerReplica, nodes: nodesPerReplica, gpusPerNode: gpusPerNode,
            team: team, priority: priority, command: command, workdir: FileManager.default.currentDirectoryPath,
            env: env)
    }
}
