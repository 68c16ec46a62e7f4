import ArgumentParser
import Foundation
import MusterCore
import MusterSim

/// `muster bench placement`: gang placement decisions per second and latency on a large cluster.
struct BenchPlacementCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "placement",
        abstract: "Placement decisions/s and p50/p99 latency for mixed gangs on a cluster kept 50-90% full."
    )

    @Option(help: "Cluster size in GPUs (a colossus layout: 8-GPU nodes, 32-node leaves, spine groups).")
    var gpus: String = "1000000"

    @Option(help: "Placement decisions to time.")
    var decisions: Int = 200_000

    @Option(help: "Random seed.")
    var seed: UInt64 = 1

    @Flag(help: "Print JSON.")
    var json = false

    @Flag(
        help: ArgumentHelp(
            "Teams and preemption on: 8 teams with guarantees, four classes; a decision includes the quota check "
                + "and, when the gang does not fit, the victim search."))
    var sharing = false

    func run() throws {
        let preset = try ClusterPreset.parse("colossus:\(gpus)")
        let cluster = try preset.cluster()
        let benchmark = PlacementBenchmark(decisions: decisions)
        let result =
            sharing
            ? benchmark.runSharing(on: cluster, seed: seed, clock: monotonicNanos)
            : benchmark.run(on: cluster, seed: seed, clock: monotonicNanos)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            print(String(decoding: try encoder.encode(result), as: UTF8.self))
            return
        }
        print(
            String(
                format: """
                    placement on %d GPUs (%d nodes)%@, cluster %.0f%% full on average
                    decisions       %d (%d placed, %d releases between them)
                    decisions/s     %.0f
                    latency         p50 %.2f µs   p99 %.2f µs   max %.1f µs%@
                    """, result.gpus, cluster.nodeCount, sharing ? " with teams and preemption" : "",
                result.meanUtilization * 100, result.decisions,
                result.placed, result.releases, result.decisionsPerSecond, result.p50Micros, result.p99Micros,
                result.maxMicros,
                result.preemptions.map { "\npreemptions     \($0) decisions started a job by preempting" } ?? ""))
    }
}
