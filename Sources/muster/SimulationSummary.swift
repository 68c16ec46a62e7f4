import Foundation
import MusterSim

/// The human-readable summary `muster sim` prints.
enum SimulationSummary {
    static func text(_ r: SimulationReport) -> String {
        func dist(_ d: Distribution) -> String {
            String(format: "mean %10.0f   p50 %9.0f   p90 %9.0f   p99 %9.0f", d.mean, d.p50, d.p90, d.p99)
        }
        var lines = [
            "\(r.workload) on \(r.cluster.name) (\(r.cluster.nodes) nodes, \(r.cluster.gpus) GPUs), policy \(r.policy)",
            "jobs             \(r.jobs.submitted) submitted, \(r.jobs.completed) completed, \(r.jobs.timedOut) timed out, "
                + "\(r.jobs.rejected) rejected, \(r.jobs.unfinished) unfinished",
            "wait (s)         " + dist(r.waitSeconds),
            "JCT (s)          " + dist(r.jctSeconds),
            "slowdown         "
                + String(
                    format: "mean %10.2f   p50 %9.2f   p90 %9.2f   p99 %9.2f", r.boundedSlowdown.mean,
                    r.boundedSlowdown.p50, r.boundedSlowdown.p90, r.boundedSlowdown.p99),
            String(format: "makespan         %.2f days", Double(r.makespanSeconds) / 86_400),
            String(format: "GPU utilisation  %.1f %%", r.gpuUtilization * 100),
            String(
                format: "fragmentation    %.1f GPUs stranded on average while jobs wait (%.2f %% of GPUs)",
                r.fragmentation.meanStrandedGPUs, r.fragmentation.meanStrandedShare * 100),
        ]
        if let partitions = r.cluster.partitions {
            lines.insert(
                "partitions       \(partitions.count), each its own queue (default \(partitions[0]))"
                    + (r.jobs.unknownPartition > 0
                        ? "; \(r.jobs.unknownPartition) jobs named a partition the cluster lacks and ran in the default"
                        : ""),
                at: 2)
        }
        if r.topology.multiNodeJobs > 0 {
            lines.append(
                String(
                    format: "topology         %d multi-node jobs, %.2f leaf blocks spanned (fewest possible %.2f), "
                        + "%.1f %% in one leaf when one could hold them", r.topology.multiNodeJobs,
                    r.topology.meanLeafBlocksSpanned, r.topology.meanMinimalLeafBlocks,
                    r.topology.shareInOneLeafWhenItFits * 100))
        }
        if let f = r.failures {
            lines.append(
                String(
                    format: "failures         %d node failures (%.1f a day), %d job interruptions, %.0f GPU-hours lost",
                    f.nodeFailures, f.perDay, f.jobInterruptions, f.lostGPUHours))
            if f.spares > 0 || f.restartsOnSpares > 0 {
                lines.append(
                    "                 \(f.spares) hot spares, \(f.restartsOnSpares) gangs restarted at once on their "
                        + "nodes and spares")
            }
            for job in f.largeJobs.prefix(3) {
                lines.append(
                    String(
                        format: "                 job %d (%d GPUs): %d interruptions, effective training time %.1f %%",
                        job.job, job.gpus, job.interruptions, job.ettr * 100))
            }
        }
        if let p = r.power {
            lines.append(
                String(
                    format: "power            facility %.2f MW on average, %.2f-%.2f MW over time, %.0f MWh", p.meanMW,
                    p.lowMW, p.peakMW, p.energyMWh) + " (\(p.model), PUE \(p.pue))")
        }
        lines.append(
            "scheduler        \(r.planningPasses) planning passes, \(r.reservations) reservations"
                + (r.backfillSkipped.map { ", \($0) job examinations skipped beyond the backfill depth" } ?? "")
                + (r.invariantChecks > 0 ? ", \(r.invariantChecks) invariant checks passed" : ""))
        return lines.joined(separator: "\n")
    }
}
