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

    @Option(help: "Only this user's jobs.")
    var user: String?

    @Option(help: "Only jobs running (or stopping) on this node.")
    var node: String?

    @Option(help: "At most this many jobs, the newest (1 to 100000); the server pages, so a deep queue stays quick.")
    var limit: Int?

    @Option(help: "Only jobs with a smaller id: the previous page's last line says which.")
    var before: Int64?

    @Flag(help: "Then follow the queue: a line per job as it changes (one long-poll, not a re-list), until Ctrl-C.")
    var watch = false

    func validate() throws {
        if let limit, !(1...100_000).contains(limit) { throw ValidationError("--limit must be 1 to 100000") }
        if let before, before < 1 { throw ValidationError("--before must be a job id") }
    }

    func run() async throws {
        let states: [String]? =
            state.map { $0.split(separator: ",").map(String.init) } ?? (all ? nil : ["pending", "running"])
        let since = all || state != nil ? nil : Date().timeIntervalSince1970 - 600
        let page = try await client.withClient {
            try await $0.jobPage(
                states: states, team: team, user: user, node: node, endedSince: since, limit: limit, before: before)
        }
        let jobs = page.jobs
        if client.json {
            try printJSON(page)
            if watch { try await follow(from: page.seq ?? 0, states: states) }
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
        if let next = page.nextBefore { print("older jobs: muster queue --before \(next) (same filters)") }
        if watch { try await follow(from: page.seq ?? 0, states: states) }
    }

    /// Prints each change of a job that passes the filters, as it happens (`--watch`).
    func follow(from start: Int64, states: [String]?) async throws {
        fflush(nil)
        try await client.withClient { c in
            var seq = start
            // A job's last line, so that a change that shows nothing new (started after scheduled) is not repeated.
            var last: [Int64: String] = [:]
            while !Task.isCancelled {
                let changes = try await c.jobChanges(after: seq, waitMilliseconds: 25_000)
                if changes.reset {
                    print("(more changed than a watch keeps, or the controller restarted: muster queue lists it all)")
                }
                seq = changes.seq
                let shown = changes.jobs.filter { job in
                    (states.map { $0.contains(job.state) || job.state != "pending" && job.state != "running" } ?? true)
                        && (team.map { $0 == job.team } ?? true) && (user.map { $0 == job.owner } ?? true)
                        && (node.map { n in job.placement.contains { $0.node == n } } ?? true)
                }
                if client.json {
                    if !shown.isEmpty { try printJSON(JobList(jobs: shown, seq: seq)) }
                } else {
                    let clock = Date()
                    for job in shown {
                        let nodes = job.placement.map(\.node).joined(separator: ",")
                        let text =
                            "job \(job.id) \(job.name) \(job.state)" + (nodes.isEmpty ? "" : " on \(nodes)")
                            + (job.reason.map { ": \($0)" } ?? "")
                        guard last[job.id] != text else { continue }
                        last[job.id] = job.state == "pending" || job.state == "running" ? text : nil
                        print(Terminal.safe("\(Self.timeOfDay(clock)) " + text))
                    }
                }
                fflush(nil)
            }
        }
    }

    static func timeOfDay(_ date: Date) -> String {
        let s = Int(date.timeIntervalSince1970) % 86_400
        return String(format: "%02d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(max(0, seconds))
        return s >= 3600
            ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
            : String(format: "%d:%02d", s / 60, s % 60)
    }
}
