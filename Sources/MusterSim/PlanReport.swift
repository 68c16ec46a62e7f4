import Foundation

/// Renders a `WhatIfPlan.Report` as one self-contained HTML page: a table of every size's figures and SVG charts
/// of how each grows with the cluster, and of the mixed workload's facility power over time.
public enum PlanReport {
    /// The whole page.
    public static func render(_ plan: WhatIfPlan.Report) -> String {
        let rows = plan.rows
        func line(_ value: (WhatIfPlan.Row) -> Double) -> [(x: Double, y: Double)] {
            rows.map { (x: Double($0.gpus), y: value($0)) }
        }
        let sizeAxis = "GPUs in the cluster"
        let colors = ["#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2"]
        var swings = SVGLineChart(
            title: "Facility power of the mixed workload over time", xLabel: "hours since the first submit",
            yLabel: "MW", points: [])
        for (i, row) in rows.enumerated() {
            let hours = Double(row.bucketSeconds) / 3_600
            let points = row.facilityMW.enumerated().map { (x: Double($0) * hours, y: $1) }
            if i == 0 {
                swings.points = points
                swings.label = label(row.gpus)
                swings.color = colors[0]
            } else {
                swings.more.append((label: label(row.gpus), color: colors[i % colors.count], points: points))
            }
        }
        let charts = [
            SVGLineChart(
                title: "Facility power", xLabel: sizeAxis, yLabel: "MW", points: line(\.fullLoadMW),
                color: "#dc2626", label: "every GPU at its maximum",
                more: [
                    (label: "mixed workload, peak", color: "#d97706", points: line(\.peakMW)),
                    (label: "mixed workload, mean", color: "#2563eb", points: line(\.meanMW)),
                ], dots: true),
            SVGLineChart(
                title: "Energy per day (mixed workload)", xLabel: sizeAxis, yLabel: "MWh",
                points: line(\.energyMWhPerDay), color: "#d97706", dots: true),
            SVGLineChart(
                title: "Failures per day (mixed workload)", xLabel: sizeAxis, yLabel: "per day",
                points: line(\.nodeFailuresPerDay), color: "#dc2626", label: "node failures",
                more: [(label: "job interruptions", color: "#7c3aed", points: line(\.jobInterruptionsPerDay))],
                dots: true),
            SVGLineChart(
                title: "ETTR of one training job on the whole cluster", xLabel: sizeAxis, yLabel: "% of wall time",
                points: line { $0.ettrWithSpares * 100 }, yMax: 100, color: "#16a34a",
                label: "with hot spares (\(percent(plan.inputs.spareShare)) of each leaf)",
                more: [(label: "without spares", color: "#dc2626", points: line { $0.ettrWithoutSpares * 100 })],
                dots: true),
            SVGLineChart(
                title: "Utilisation and queueing (mixed workload)", xLabel: sizeAxis, yLabel: "%, minutes",
                points: line { $0.utilization * 100 }, color: "#2563eb", label: "GPU utilisation, %",
                more: [(label: "mean wait, minutes", color: "#d97706", points: line { $0.meanWaitSeconds / 60 })],
                dots: true),
            swings,
        ].map { $0.render() }
        let header = [
            "GPUs", "nodes", "full load MW", "peak MW", "mean MW", "low MW", "MWh/day", "node failures/day",
            "interruptions/day", "utilisation", "mean wait", "training GPUs", "spares", "ETTR with spares",
            "ETTR without", "idle MW",
        ]
        let cells = rows.map { r in
            [
                label(r.gpus), "\(r.nodes)", format(r.fullLoadMW), format(r.peakMW), format(r.meanMW), format(r.lowMW),
                format(r.energyMWhPerDay, digits: 0), format(r.nodeFailuresPerDay), format(r.jobInterruptionsPerDay),
                percent(r.utilization), duration(r.meanWaitSeconds), "\(r.trainingGPUs)", "\(r.spares)",
                percent(r.ettrWithSpares), percent(r.ettrWithoutSpares),
                format(r.idleMW) + (r.idleOverBudget ? " (over the budget: run without it)" : ""),
            ]
        }
        let table =
            "<tr>" + header.map { "<th>\(escapeHTML($0))</th>" }.joined() + "</tr>\n"
            + cells.map { "<tr>" + $0.map { "<td>\(escapeHTML($0))</td>" }.joined() + "</tr>" }
            .joined(separator: "\n")
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <title>Muster what-if plan: \(escapeHTML(plan.inputs.hardware.rawValue)), \(rows.map { label($0.gpus) }.joined(separator: ", ")) GPUs</title>
            \(GrowthReport.style)</head><body>
            <h1>Muster what-if plan</h1>
            <p>\(escapeHTML(assumptions(plan)))</p>
            <table>
            \(table)
            </table>
            \(charts.map { "<figure>\($0)</figure>" }.joined(separator: "\n"))
            </body></html>

            """
    }

    /// The plan's inputs in one sentence, for the page and the terminal.
    public static func assumptions(_ plan: WhatIfPlan.Report) -> String {
        "\(plan.inputs.hardware.rawValue) (\(plan.inputs.hardware == .h100 ? "8-GPU nodes, 32-node leaves" : "NVL72 racks of 18 4-GPU trays")), "
            + "PUE \(plan.pue); Llama 3's failure rate (\(String(format: "%.3g", plan.failuresPerGPUHour)) per GPU-hour) "
            + "and mix; hot spares \(percent(plan.inputs.spareShare)) of each leaf; checkpoints every "
            + "\(plan.inputs.checkpointInterval) s, restarts cost \(plan.inputs.restartOverhead) s; mixed workload: "
            + "\(format(plan.inputs.days)) days of synthetic arrivals at load \(format(plan.inputs.load))"
            + (plan.inputs.budgetMW.map { "; facility power budget \(format($0)) MW" } ?? "; no power budget")
            + ". Every figure but full load comes from simulations on Muster's scheduler."
    }

    /// `100k`, `1M`, or the plain count.
    public static func label(_ gpus: Int) -> String {
        if gpus >= 1_000_000 && gpus % 100_000 == 0 { return format(Double(gpus) / 1e6) + "M" }
        if gpus >= 1_000 && gpus % 1_000 == 0 { return "\(gpus / 1_000)k" }
        return "\(gpus)"
    }

    static func format(_ x: Double, digits: Int = 1) -> String {
        let s = String(format: "%.\(digits)f", x)
        return digits > 0 && s.hasSuffix(".0") ? String(s.dropLast(2)) : s
    }

    /// A share as a percentage with one decimal.
    public static func percent(_ share: Double) -> String { String(format: "%.1f %%", share * 100) }

    /// Seconds as `42 s`, `3.5 min` or `2.1 h`.
    public static func duration(_ seconds: Double) -> String {
        if seconds < 60 { return String(format: "%.0f s", seconds) }
        if seconds < 3_600 { return String(format: "%.1f min", seconds / 60) }
        return String(format: "%.1f h", seconds / 3_600)
    }
}
