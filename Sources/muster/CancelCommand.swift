import ArgumentParser
import MusterAPI

/// `muster cancel ID`: stop a pending or running job.
struct CancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel", abstract: "Cancel a job (SIGTERM to its processes, then SIGKILL).")

    @OptionGroup var client: ClientOptions

    @Argument(help: "Job ids.")
    var ids: [Int64]

    func run() async throws {
        for id in ids {
            let job = try await client.withClient { try await $0.cancel(id) }
            if client.json {
                try printJSON(job)
            } else {
                print("cancelled job \(id)")
            }
        }
    }
}
