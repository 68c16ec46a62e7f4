import ArgumentParser
import Foundation
import MusterAPI

/// `muster history`: ended jobs from the controller's store, as Slurm's sacct: newest first, filtered on the
/// server, paged.
struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Ended jobs (state, user, team, times, GPUs, nodes, GPU-hours, energy, restarts), newest first.")

    @OptionGroup var client: ClientOptions

    @Option(help: "Only this user's jobs (admins; users always see their own).")
    var user: String?

    @Option(help: "Only this team's jobs.")
    var team: String?

    @Option(help: "Only these end states, comma-separated: completed, failed, cancelled, preempted.")
    var state: String?

    @Option(help: "Only jobs that ended in the last this many hours.")
    var since: Double?

    @Option(help: "Only jobs that ended more than this many hours ago.")
    var until: Double?

    @Option(help: "At most this many jobs (1 to 100000).")
    var limit = 100

    @Option(help: "Only jobs with ids below this one: the previous page's last line says which.")
    var before: Int64?

    @Flag(help: "Comma-separated values, with a header line.")
    var csv = false

    func validate() throws {
        for (name, value) in [("--since", since), ("--until", until)] {
            if let value, !(value >= 0 && value <= 24 * 365 * 100) {
                throw ValidationError("\(name) takes hours ago, 0 to 876000; got \(value)")
            }
        }
        guard (1...100_000).contains(limit) else { throw ValidationError("--limit must be 1 to 100000") }
        if let state {
            let states = state.split(separator: ",")
            guard !states.isEmpty,
                states.allSatisfy({ ["completed", "failed", "cancelled", "preempted"].contains($0) })
            else { throw ValidationError("--state takes completed, failed, cancelled, preempted (comma-separated)") }
        }
    }

    func run() async throws {
        let now = Date().timeIntervalSince1970
        let page = try await client.withClient {
            try await $0.history(
                user: user, team: team, states: state.map { $0.split(separator: ",").map(String.init) } ?? [],
                since: since.map { now - $0 * 3_600 }, until: until.map { now - $0 * 3_600 }, before: before,
                limit: limit)
        }
        if client.json {
            try printJSON(page)
            return
        }
        let header = [
            "ID", "NAME", "USER", "TEAM", "CLASS", "STATE", "SUBMIT", "START", "END", "GPUS", "NODES", "GPU-HOURS",
            "ENERGY-WH", "RESTARTS", "PREEMPTIONS", "EXIT",
        ]
        let rows = page.jobs.map { j in
            [
                "\(j.id)", j.name ?? "", j.user, j.team, j.className, j.state, Self.date(j.submitTime),
                j.startTime.map(Self.date) ?? "", Self.date(j.endTime), "\(j.gpus)", j.nodes.joined(separator: ","),
                String(format: "%.3f", j.gpuHours), String(format: "%.1f", j.energyWh), "\(j.restarts)",
                "\(j.preemptions)", j.exitCode.map(String.init) ?? "",
            ]
        }
        if csv {
            print(([header] + rows).map { $0.map(Self.csvField).joined(separator: ",") }.joined(separator: "\n"))
            return
        }
        var table = TextTable(header)
        for row in rows { table.add(row) }
        print(table.text)
        if let next = page.nextBefore { print("more: muster history --before \(next) (same filters)") }
    }

    /// A time as `2026-11-25T03:52:30Z`.
    static func date(_ seconds: Double) -> String {
        ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: seconds))
    }

    /// A CSV field, quoted when it holds a comma, a quote or a line break.
    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
