import ArgumentParser
import Foundation
import MusterCore
import MusterSim

/// `muster bench policies`: fifo, backfill, the oracles sjf and srtf, and non-clairvoyant las on Philly's jobs of
/// October and November 2017, each running exactly its trace duration, in one pool of 96, 80 and 64 nodes.
struct BenchPoliciesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policies",
        abstract: "Mean JCT of fifo, backfill, sjf, srtf (oracles) and las (non-clairvoyant) on Philly Oct-Nov 2017.")

    @Option(name: .customLong("trace-dir"), help: "Where the public traces are.")
    var traceDir: String?

    @Option(help: "Pool sizes in 8-GPU nodes, comma-separated.")
    var nodes: String = "96,80,64"

    @Option(help: "Policies, comma-separated.")
    var policies: String = "fifo,backfill,sjf,srtf,las"

    func run() throws {
        let dir = try TraceDirectory.resolve(traceDir)
        let workload = try PhillyTrace.load(traceDirectory: dir, from: "2017-10-01 00:00:00", to: "2017-11-30 23:59:00")
        let sizes = nodes.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        let chosen = try policies.split(separator: ",").map { name -> SchedulingPolicy in
            guard let policy = SchedulingPolicy(rawValue: String(name)) else {
                throw ValidationError("unknown policy \(name); the policies are \(SchedulingPolicy.allCases)")
            }
            return policy
        }
        guard !sizes.isEmpty, sizes.allSatisfy({ $0 >= 1 && $0 <= 100_000 }) else {
            throw ValidationError("--nodes: 1 to 100000 nodes each")
        }
        var table = TextTable(["NODES", "POLICY", "MEAN JCT", "P99 JCT", "MEAN WAIT", "PREEMPTIONS", "REPLAY"])
        for size in sizes {
            let cluster = try ClusterPreset.phillyPartitions(virtualClusters: [("pool", size)], pooled: true)
            for policy in chosen {
                let simulator = Simulator(
                    partitions: cluster, clusterName: "philly pool", workload: workload, policy: policy)
                let t0 = monotonicNanos()
                let report = try simulator.run()
                let seconds = Double(monotonicNanos() - t0) / 1e9
                table.add([
                    "\(size)", policy.rawValue, hours(report.jctSeconds.mean), hours(report.jctSeconds.p99),
                    hours(report.waitSeconds.mean), "\(report.sharing?.preemptions ?? 0)",
                    String(format: "%.1f s", seconds),
                ])
            }
        }
        print(table.text)
        print(
            "Philly jobs submitted 2017-10-01 00:00:00 to 2017-11-30 23:59:00 (\(workload.jobs.count) jobs, time 0 at "
                + "the first), each running exactly its trace duration; preempted jobs (srtf, las) resume where "
                + "they stopped.")
    }

    private func hours(_ seconds: Double) -> String { String(format: "%.2f h", seconds / 3600) }
}
