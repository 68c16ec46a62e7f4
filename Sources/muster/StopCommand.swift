import ArgumentParser
import Foundation
import MusterAPI
import MusterClient

/// `muster stop NAME`.
struct StopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stop", abstract: "Stop a service.")

    @OptionGroup var client: ClientOptions

    @Argument(help: "Service name.")
    var name: String

    func run() async throws {
        let info = try await client.withClient { try await $0.stopService(name) }
        if client.json { try printJSON(info) } else { print("service \(info.name) stopped") }
    }
}
