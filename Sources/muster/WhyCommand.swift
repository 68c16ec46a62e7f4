import ArgumentParser
import Foundation
import MusterAPI

/// `muster why ID`: why a job waits (or how it ended), in the words of the pass that decided.
struct WhyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "why",
        abstract: "Say why a job is pending: what holds it, or what the last scheduling pass found.")

    @OptionGroup var client: ClientOptions

    @Argument(help: "Job id.")
    var id: Int64

    /// What `--json` prints.
    struct Answer: Codable {
        var id: Int64
        var state: String
        var reason: String?
    }

    func run() async throws {
        let job = try await client.withClient { try await $0.job(id) }
        if client.json {
            try printJSON(Answer(id: job.id, state: job.state, reason: job.reason))
            return
        }
        let text: String
        switch job.state {
        case "pending": text = "job \(job.id) is pending: \(job.reason ?? "no reason recorded")"
        case "running":
            text = "job \(job.id) is running on " + job.placement.map(\.node).joined(separator: ",")
        default:
            text =
                "job \(job.id) \(job.state)" + (job.exitCode.map { " with exit code \($0)" } ?? "")
                + (job.reason.map { ": \($0)" } ?? "")
        }
        print(Terminal.safe(text))
    }
}
