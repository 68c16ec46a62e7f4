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

    @OptionGroup var replicaOptions: ReplicaOptions

    func run() async throws {
        let replica = try replicaOptions.request(name: name)
        let info = try await client.withClient { try await $0.rollout(name, replica: replica) }
        if client.json {
            try printJSON(info)
        } else {
            print("service \(info.name): rolling out; muster service show \(info.name) follows it")
        }
    }
}
