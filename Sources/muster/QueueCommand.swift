import ArgumentParser
import Foundation
import MusterAPI

/// `muster queue`: pending and running jobs, and those that ended in the last 10 minutes.
struct QueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue", abstract: "List jobs: pending, running, and those ended in the last 10 minutes.")

    @OptionGroup var client: ClientOptions

    @Flag(help: "Every job, however old.")
    var all = false

    @Option(help: "Only these states, comma-separated (pending,running,completed,failed,cancelled).")
    var state: String?

    @Option(help: "Only this team's jobs.")
    var team: String?

    func run() async throws {
        let states: [String]? =
            state.map { $0.split(separator: ",").map(String.init) } ?? (all ? nil : ["pending", "running"])
        let since = all || state != nil ? nil : Date().timeIntervalSince1970 - 600
        let jobs = try await client.withClient { try await $0.jobs(states: states, team: team, endedSince: since) }
        if client.json {
            try printJSON(JobList(jobs: jobs))
            return
        }
        let now = Date().timeIntervalSince1970
        var table = TextTable(["ID", "NAME", "TEAM", "STATE", "GPUS", "NODES", "TIME", "NODELIST/REASON"])
        for job in jobs {
            let elapsed = job.startTime ?? job.scheduledTime
            let time = elapsed.map { Self.duration((job.endTime ?? now) - $0) } ?? "-"
            let where_ =
                job.placement.isEmpty
                ? (job.reason ?? (job.state == "pending" ? "(waiting for GPUs)" : ""))
                : job.placement.map(\.node).joined(separator: ",")
                    + (job.reason.map { " (\($0))" } ?? (job.exitCode.map { $0 != 0 ? " (exit \($0))" : "" } ?? ""))
            table.add([
                "\(job.id)", job.name, job.team, job.state, "\(job.gpus)", "\(job.nodes)", time, where_,
            ])
        }
        print(table.text)
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(max(0, seconds))
        return s >= 3600
            ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
            : String(format: "%d:%02d", s / 60, s % 60)
    }
}
