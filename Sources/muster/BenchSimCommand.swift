import ArgumentParser
import Foundation
import MusterCore
import MusterSim

/// `muster bench sim`: wall time of the full Philly replay and of a 1M-GPU synthetic week.
struct BenchSimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Wall time and events/s of the full Philly replay and a 1M-GPU synthetic week."
    )

    @Option(help: "Policy to replay with.")
    var policy: SchedulingPolicy = .backfill

    @Option(name: .customLong("trace-dir"), help: "Where the public traces are.")
    var traceDir: String?

    @Option(help: "GPUs of the synthetic cluster.")
    var gpus: String = "1M"

    @Flag(help: "Skip the Philly replay (e.g. where the trace is absent).")
    var skipPhilly = false

    func run() throws {
        var cases: [(String, String)] = []
        if !skipPhilly { cases.append(("philly", "philly")) }
        cases.append(("synthetic", "colossus:\(gpus)"))
        for (trace, cluster) in cases {
            let t0 = monotonicNanos()
            let input = try SimulationInput.resolve(
                trace: trace, cluster: cluster, seed: 1, days: 7, load: 0.8, traceDir: traceDir)
            let t1 = monotonicNanos()
            let simulator = Simulator(
                partitions: input.partitions, clusterName: input.clusterName, workload: input.workload, policy: policy,
                seed: input.seed)
            let report = try simulator.run()
            let t2 = monotonicNanos()
            let load = Double(t1 - t0) / 1e9
            let sim = Double(t2 - t1) / 1e9
            // Events: one arrival and one completion per job that ran.
            let events = report.jobs.submitted + report.jobs.completed + report.jobs.timedOut
            print(
                String(
                    format: "%@ on %@ (%d GPUs), %@: %d jobs, load %.2f s + replay %.2f s = %.2f s, "
                        + "%.0f events/s, %d planning passes, utilisation %.1f%%",
                    trace, cluster, report.cluster.gpus, policy.rawValue, report.jobs.submitted, load, sim,
                    load + sim, Double(events) / max(sim, 1e-9), report.planningPasses,
                    report.gpuUtilization * 100))
        }
    }
}
