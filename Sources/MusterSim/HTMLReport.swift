import Foundation

/// Renders a `SimulationReport` as one self-contained HTML page with SVG charts: GPU utilisation and queue length
/// over time, and the JCT distribution.
public enum HTMLReport {
    /// The whole page.
    public static func render(_ report: SimulationReport) -> String {
        let days = Double(report.series.bucketSeconds) / 86_400
        let utilization = report.series.utilization.enumerated().map { (x: Double($0) * days, y: $1 * 100) }
        let queue = report.series.queueLength.enumerated().map { (x: Double($0) * days, y: $1) }
        let cdf = report.series.jctCDF.map { (x: $0[0], y: $0[1] * 100) }
        let power = (report.power?.facilityMW ?? []).enumerated().map { (x: Double($0) * days, y: $1) }
        let charts = [
            SVGLineChart(
                title: "GPU utilisation", xLabel: "days since first submit", yLabel: "% of GPUs busy",
                points: utilization, yMax: 100),
            SVGLineChart(
                title: "Queue length", xLabel: "days since first submit", yLabel: "jobs waiting", points: queue,
                color: "#dc2626"),
            SVGLineChart(
                title: "Facility power (\(report.power?.model ?? "-"), PUE \(report.power?.pue ?? 0))",
                xLabel: "days since first submit", yLabel: "MW", points: power, color: "#d97706"),
            SVGLineChart(
                title: "Job completion time (CDF)", xLabel: "JCT, seconds (log scale)", yLabel: "% of jobs",
                points: cdf, logX: true, yMax: 100, color: "#16a34a"),
        ].map { $0.render() }
        let rows: [(String, String)] = [
            ("Workload", report.workload),
            (
                "Cluster",
                "\(report.cluster.name): \(report.cluster.nodes) nodes, \(report.cluster.gpus) GPUs"
                    + (report.cluster.partitions.map { ", \($0.count) partitions, each its own queue" } ?? "")
            ),
            ("Policy", report.policy),
            (
                "Jobs",
                "\(report.jobs.submitted) submitted, \(report.jobs.completed) completed, "
                    + "\(report.jobs.timedOut) timed out, \(report.jobs.rejected) rejected"
            ),
            ("Wait (s)", dist(report.waitSeconds)),
            ("JCT (s)", dist(report.jctSeconds)),
            (
                "Bounded slowdown",
                String(
                    format: "mean %.2f, p50 %.2f, p90 %.2f, p99 %.2f, max %.0f", report.boundedSlowdown.mean,
                    report.boundedSlowdown.p50, report.boundedSlowdown.p90, report.boundedSlowdown.p99,
                    report.boundedSlowdown.max)
            ),
            ("Makespan", String(format: "%.2f days", Double(report.makespanSeconds) / 86_400)),
            ("GPU utilisation", String(format: "%.1f %%", report.gpuUtilization * 100)),
            (
                "Fragmentation",
                String(
                    format: "%.1f stranded GPUs (%.2f %%) on average while jobs wait",
                    report.fragmentation.meanStrandedGPUs, report.fragmentation.meanStrandedShare * 100)
            ),
            (
                "Topology",
                String(
                    format: "%d multi-node jobs; %.2f leaf blocks spanned (best possible %.2f); "
                        + "%.1f %% in one leaf when they fit one", report.topology.multiNodeJobs,
                    report.topology.meanLeafBlocksSpanned, report.topology.meanMinimalLeafBlocks,
                    report.topology.shareInOneLeafWhenItFits * 100)
            ),
        ]
        let table = rows.map { "<tr><th>\(escapeHTML($0.0))</th><td>\(escapeHTML($0.1))</td></tr>" }
            .joined(separator: "\n")
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <title>Muster simulation: \(escapeHTML(report.workload)) on \(escapeHTML(report.cluster.name))</title>
            <style>
            body { font-family: system-ui, sans-serif; margin: 24px; color: #0f172a; max-width: 800px; }
            table { border-collapse: collapse; margin-bottom: 16px; }
            th { text-align: left; padding: 4px 16px 4px 0; color: #475569; font-weight: 600; }
            td { padding: 4px 0; }
            figure { margin: 0 0 16px 0; }
            </style></head><body>
            <h1>Muster simulation report</h1>
            <table>
            \(table)
            </table>
            \(charts.map { "<figure>\($0)</figure>" }.joined(separator: "\n"))
            </body></html>

            """
    }

    private static func dist(_ d: Distribution) -> String {
        String(format: "mean %.0f, p50 %.0f, p90 %.0f, p99 %.0f, max %.0f", d.mean, d.p50, d.p90, d.p99, d.max)
    }
}
