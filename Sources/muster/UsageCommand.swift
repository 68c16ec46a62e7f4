import ArgumentParser
import Foundation
import MusterAPI
import MusterCore

/// `muster usage`: GPU-hours and energy by team, over the jobs the caller may see (all of them for an admin).
struct UsageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "usage",
        abstract: "GPU-hours and energy (modelled) by team, from the jobs you may see; --since limits to recent ones.")

    @OptionGroup var client: ClientOptions

    @Option(help: "Only jobs that ran in the last this many hours (default: every job the controller keeps).")
    var since: Double?

    /// One team's total.
    struct Row: Codable, Equatable {
        var team: String
        var jobs: Int
        var gpuHours: Double
        var energyKWh: Double

        enum CodingKeys: String, CodingKey {
            case team, jobs
            case gpuHours = "gpu_hours"
            case energyKWh = "energy_kwh"
        }
    }

    func validate() throws {
        if let since, !(since > 0 && since <= 24 * 365 * 10) {
            throw ValidationError("--since must be above 0 and at most ten years in hours, got \(since)")
        }
    }

    /// Sums `jobs` by team: GPU-hours from each job's start to its end (or `now`), energy as the controller reports.
    static func rows(_ jobs: [JobInfo], now: Double) -> [Row] {
        var byTeam: [String: Row] = [:]
        for job in jobs {
            guard let start = job.startTime else { continue }
            let hours = max(0, (job.endTime ?? now) - start) / 3_600
            var row = byTeam[job.team] ?? Row(team: job.team, jobs: 0, gpuHours: 0, energyKWh: 0)
            row.jobs += 1
            row.gpuHours += Double(job.gpus) * hours
            row.energyKWh += (job.energyWh ?? 0) / 1_000
            byTeam[job.team] = row
        }
        return byTeam.values.sorted { $0.gpuHours != $1.gpuHours ? $0.gpuHours > $1.gpuHours : $0.team < $1.team }
    }

    func run() async throws {
        let now = Date().timeIntervalSince1970
        let cutoff = since.map { now - $0 * 3_600 }
        let jobs = try await client.withClient { try await $0.jobs(states: nil, endedSince: cutoff) }
        let rows = Self.rows(jobs, now: now)
        if client.json {
            try printJSON(rows)
            return
        }
        var table = TextTable(["TEAM", "JOBS", "GPU-HOURS", "ENERGY-KWH"])
        for row in rows {
            table.add([
                row.team, "\(row.jobs)", String(format: "%.2f", row.gpuHours), String(format: "%.3f", row.energyKWh),
            ])
        }
        print(table.text)
        print("energy is modelled: \(Job.energyModelText)")
    }
}
