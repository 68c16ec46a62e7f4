import ArgumentParser
import Foundation
import MusterCore
import MusterSim

/// `muster plan`: the what-if planner. Simulates each cluster size with failures, hot spares and power on the
/// production scheduler, prints a table and writes an HTML report.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "What if the cluster grows? Power, energy, failures, ETTR and queueing by cluster size.",
        discussion: """
            For each size: a mixed synthetic workload with Llama 3's failures and a hot spare pool (power over time,
            energy, failures, utilisation, waits); one training job on every GPU but the spares (its ETTR); and the
            same job on every GPU without spares. Example: muster plan --gpus 100k,200k,500k,1M --budget-mw 150
            """)

    @Option(help: "Cluster sizes in GPUs, comma-separated (k and M allowed), e.g. 100k,200k,500k,1M.")
    var gpus: String = "100k,200k,500k,1M"

    @Option(help: "GPU system: h100 (8-GPU nodes) or gb200 (NVL72 racks of 4-GPU trays).")
    var gpu: String = "h100"

    @Option(name: .customLong("budget-mw"), help: "Facility power budget in MW; jobs that would pass it wait.")
    var budgetMW: Double?

    @Option(help: "Share of each leaf block kept as hot spares (0 to 0.5).")
    var spares: Double = 1.0 / 16

    @Option(name: .customLong("checkpoint-interval"), help: "Seconds between the training job's checkpoints.")
    var checkpointInterval: Int64 = 600

    @Option(name: .customLong("restart-overhead"), help: "Seconds a restarted job spends before it progresses.")
    var restartOverhead: Int64 = 120

    @Option(help: "Days of arrivals of the mixed workload (0.1 to 14).")
    var days: Double = 2

    @Option(help: "Offered load of the mixed workload (0.05 to 2).")
    var load: Double = 1

    @Option(help: "Random seed.")
    var seed: UInt64 = 1

    @Option(help: "Write the HTML report here.")
    var report: String = "muster-plan.html"

    @Flag(help: "Print the plan as JSON.")
    var json = false

    /// The sizes, parsed and checked.
    func sizes() throws -> [Int] {
        let perNode = gpu == "gb200" ? 4 : 8
        var out: [Int] = []
        for part in gpus.split(separator: ",") {
            let text = part.trimmingCharacters(in: .whitespaces)
            let form = (gpu == "gb200" ? "nvl72:" : "colossus:") + text
            guard case .some(let preset) = try? ClusterPreset.parse(form) else {
                throw ValidationError(
                    "--gpus: '\(text)' is not a GPU count that is a positive multiple of \(perNode), up to 4M")
            }
            switch preset {
            case .colossus(let n), .nvl72(let n): out.append(n)
            default: break
            }
        }
        guard !out.isEmpty, out.count <= 8 else { throw ValidationError("--gpus: give 1 to 8 sizes") }
        return out
    }

    func validate() throws {
        guard WhatIfPlan.Hardware(rawValue: gpu.lowercased()) != nil else {
            throw ValidationError("--gpu must be h100 or gb200, got \(gpu)")
        }
        _ = try sizes()
        if let budgetMW, !(budgetMW > 0 && budgetMW <= 100_000) {
            throw ValidationError("--budget-mw must be above 0 and at most 100000")
        }
        guard SparePolicy.shares.contains(spares) else { throw ValidationError("--spares must be 0 to 0.5") }
        guard (60...86_400).contains(checkpointInterval) else {
            throw ValidationError("--checkpoint-interval must be 60 to 86400 seconds")
        }
        guard (0...86_400).contains(restartOverhead) else {
            throw ValidationError("--restart-overhead must be 0 to 86400 seconds")
        }
        guard (0.1...14).contains(days) else { throw ValidationError("--days must be 0.1 to 14") }
        guard (0.05...2).contains(load) else { throw ValidationError("--load must be 0.05 to 2") }
    }

    func run() throws {
        let started = monotonicNanos()
        let plan = WhatIfPlan(
            sizes: try sizes(), hardware: WhatIfPlan.Hardware(rawValue: gpu.lowercased())!, budgetMW: budgetMW,
            spareShare: spares, checkpointInterval: checkpointInterval, restartOverhead: restartOverhead, days: days,
            load: load, seed: seed)
        let bar = ProgressBar(label: "simulating \(plan.sizes.count * 3) runs")
        let result = try plan.run { bar.update($0, of: $1) }
        bar.finish()
        try PlanReport.render(result).write(toFile: report, atomically: true, encoding: .utf8)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            encoder.keyEncodingStrategy = .convertToSnakeCase
            print(String(decoding: try encoder.encode(result), as: UTF8.self))
        } else {
            print(Self.text(result))
        }
        printError(
            String(format: "planned in %.1f s, report written to %@", Double(monotonicNanos() - started) / 1e9, report))
    }

    /// The plan as a table with its assumptions.
    static func text(_ plan: WhatIfPlan.Report) -> String {
        var table = TextTable([
            "GPUS", "NODES", "FULL MW", "PEAK MW", "MEAN MW", "MWH/DAY", "FAILS/DAY", "INTERRUPTS/DAY", "UTIL",
            "MEAN WAIT", "ETTR SPARES", "ETTR NONE",
        ])
        for r in plan.rows {
            table.add([
                PlanReport.label(r.gpus), "\(r.nodes)", String(format: "%.1f", r.fullLoadMW),
                String(format: "%.1f", r.peakMW), String(format: "%.1f", r.meanMW),
                String(format: "%.0f", r.energyMWhPerDay), String(format: "%.1f", r.nodeFailuresPerDay),
                String(format: "%.1f", r.jobInterruptionsPerDay), PlanReport.percent(r.utilization),
                PlanReport.duration(r.meanWaitSeconds), PlanReport.percent(r.ettrWithSpares),
                PlanReport.percent(r.ettrWithoutSpares),
            ])
        }
        let over = plan.rows.filter(\.idleOverBudget).map { PlanReport.label($0.gpus) }
        let budgetNote =
            over.isEmpty
            ? ""
            : "\nThe budget cannot power \(over.joined(separator: ", ")) GPUs even idle: their mixed workload ran "
                + "without it."
        return table.text + "\n" + PlanReport.assumptions(plan) + budgetNote
            + "\nFULL MW: every GPU at its maximum, times the PUE. PEAK/MEAN MW, MWH/DAY, FAILS/DAY (nodes), "
            + "INTERRUPTS/DAY (jobs), UTIL and MEAN WAIT: the mixed workload. ETTR: one training job on every GPU "
            + "but the spares, restarting on them (SPARES), or on every GPU, waiting for repairs (NONE)."
    }
}
