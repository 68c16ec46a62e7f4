import ArgumentParser
import Foundation
import MusterAPI
import MusterClient

/// `muster scale NAME N`.
struct ScaleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "scale", abstract: "Set a service's replica count.")

    @OptionGroup var client: ClientOptions

    @Argument(help: "Service name.")
    var name: String

    @Argument(help: "Replicas (0 to 1000).")
    var replicas: Int

    func run() async throws {
        let info = try await client.withClient { try await $0.scale(name, to: replicas) }
        if client.json { try printJSON(info) } else { print("service \(info.name): \(info.desired) replica(s) wanted") }
    }
}
