import ArgumentParser
import Foundation
import MusterAPI
import MusterClient

/// `muster services`: every service the caller may see.
struct ServicesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "services", abstract: "List services.")

    @OptionGroup var client: ClientOptions

    func run() async throws {
        let services = try await client.withClient { try await $0.services() }
        if client.json {
            try printJSON(ServiceList(services: services))
            return
        }
        var table = TextTable(["NAME", "OWNER", "STATE", "READY", "DESIRED", "MIN", "MAX", "GPUS/REPLICA", "URL"])
        for s in services {
            table.add([
                s.name, s.owner, s.state, "\(s.ready)", "\(s.desired)", "\(s.minReplicas)", "\(s.maxReplicas)",
                "\(s.gpusPerReplica)", s.url,
            ])
        }
        print(table.text)
    }
}
