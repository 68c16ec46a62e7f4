import ArgumentParser
import Foundation
import MusterAPI
import MusterClient

/// `muster service show NAME`.
struct ServiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "service", abstract: "Show a service.", subcommands: [Show.self])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "A service's replicas, load and history.")

        @OptionGroup var client: ClientOptions

        @Argument(help: "Service name.")
        var name: String

        func run() async throws {
            let s = try await client.withClient { try await $0.service(name) }
            if client.json {
                try printJSON(s)
                return
            }
            print(
                "service \(s.name) (\(s.state)), owner \(s.owner), team \(s.team), class \(s.className), "
                    + "\(s.gpusPerReplica) GPU(s) per replica")
            print(
                "replicas: \(s.ready) ready of \(s.desired) wanted (\(s.minReplicas) to \(s.maxReplicas), "
                    + "\(s.targetInflight) in flight each); router: \(s.inflight) in flight, \(s.queued) queued, "
                    + "at most \(s.maxInflight) per replica")
            var table = TextTable(["REPLICA", "JOB", "STATE", "READY", "NODE", "PORT", "IN FLIGHT"])
            for r in s.replicas {
                table.add([
                    "\(r.index)", "\(r.job)", r.state, r.ready ? "yes" : "no", r.node ?? "",
                    r.port.map(String.init) ?? "",
                    "\(r.inflight)",
                ])
            }
            print(table.text)
            for event in s.events.suffix(10) {
                print("  \(Date(timeIntervalSince1970: event.time).formatted(.iso8601))  \(event.text)")
            }
        }
    }
}
