import ArgumentParser
import Foundation
import MusterAPI
import MusterCore

/// `muster usage`: ended jobs' GPU-hours and energy by team or user over a window, from the controller's store,
/// as Slurm's sreport (users see their own jobs' totals, admins everyone's).
struct UsageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "usage",
        abstract: "GPU-hours, energy (modelled) and share of guarantee by team or user, over ended jobs.")

    @OptionGroup var client: ClientOptions

    @Option(help: "Group by team or user.")
    var by = "team"

    @Option(help: "Only jobs that ended in the last this many hours (default: every job the store keeps).")
    var since: Double?

    @Flag(help: "Comma-separated values, with a header line.")
    var csv = false

    func validate() throws {
        guard by == "team" || by == "user" else { throw ValidationError("--by takes team or user, got \(by)") }
        if let since, !(since > 0 && since <= 24 * 365 * 10) {
            throw ValidationError("--since must be above 0 and at most ten years in hours, got \(since)")
        }
    }

    func run() async throws {
        let now = Date().timeIntervalSince1970
        let list = try await client.withClient {
            try await $0.usage(byTeam: by == "team", since: since.map { now - $0 * 3_600 })
        }
        if client.json {
            // Each row names its team (or user) under that word, with its totals.
            let rows: [[String: Any]] = list.rows.map { row in
                var object: [String: Any] = [
                    by: row.key, "jobs": row.jobs, "gpu_hours": row.gpuHours, "energy_kwh": row.energyKWh,
                ]
                if let share = row.guaranteeShare { object["guarantee_share"] = share }
                return object
            }
            let data = try JSONSerialization.data(withJSONObject: rows, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        let header = [by.uppercased(), "JOBS", "GPU-HOURS", "ENERGY-KWH", "SHARE-OF-GUARANTEE"]
        let rows = list.rows.map { row in
            [
                row.key, "\(row.jobs)", String(format: "%.2f", row.gpuHours), String(format: "%.3f", row.energyKWh),
                row.guaranteeShare.map { String(format: "%.1f %%", $0 * 100) } ?? "",
            ]
        }
        if csv {
            print(
                ([header] + rows).map { $0.map(HistoryCommand.csvField).joined(separator: ",") }.joined(separator: "\n")
            )
            return
        }
        var table = TextTable(header)
        for row in rows { table.add(row) }
        print(table.text)
        print("ended jobs only; energy is modelled: \(Job.energyModelText)")
    }
}
