import Foundation
import MusterCore
import MusterSim

/// A resolved `muster sim` input: the cluster to replay on (as its partitions) and the workload.
struct SimulationInput {
    var partitions: [ClusterPartition]
    var clusterName: String
    var workload: Workload
    var seed: UInt64?

    /// Reads or generates the workload for `trace` and builds `cluster` (defaulting to the trace's own cluster);
    /// `pooled` schedules a partitioned cluster (Philly's VCs) as one.
    static func resolve(
        trace: String, cluster clusterArgument: String?, seed: UInt64, days: Double, load: Double, traceDir: String?,
        pooled: Bool = false
    ) throws -> SimulationInput {
        let kind = trace.split(separator: ":", maxSplits: 1).first.map(String.init) ?? trace
        let needsTraces =
            kind == "philly" || kind == "openb" || clusterArgument == "philly"
            || clusterArgument == "openb"
        let dir: String? = needsTraces ? try TraceDirectory.resolve(traceDir) : traceDir
        let defaultCluster: String =
            switch kind {
            case "philly": "philly"
            case "openb": "openb"
            default: "superpod:4096"
            }
        let preset = try ClusterPreset.parse(clusterArgument ?? defaultCluster)
        let partitions = try preset.partitions(traceDirectory: dir, pooled: pooled)
        let workload: Workload
        var usedSeed: UInt64? = nil
        switch kind {
        case "philly":
            workload = try PhillyTrace.load(traceDirectory: dir!)
        case "openb":
            let variant = trace.contains(":") ? String(trace.split(separator: ":", maxSplits: 1)[1]) : "default"
            workload = try OpenbTrace.load(traceDirectory: dir!, variant: variant)
        case "synthetic":
            guard days > 0, load > 0 else { throw TraceError.badArgument("--days and --load must be positive") }
            usedSeed = seed
            workload = SyntheticWorkload(
                clusterGPUs: partitions.reduce(0) { $0 + $1.cluster.totalGPUs }, seed: seed,
                duration: Seconds(days * 86_400), load: load
            ).generate()
        default:
            guard
                trace.hasSuffix(".jsonl") || trace.hasSuffix(".jsonl.gz")
                    || FileManager.default.fileExists(atPath: trace)
            else {
                throw TraceError.badArgument(
                    "unknown trace '\(trace)'; use philly, openb[:VARIANT], synthetic or a FILE.jsonl")
            }
            workload = try JSONLWorkload.load(path: trace)
        }
        return SimulationInput(
            partitions: partitions, clusterName: preset.description + (pooled ? " (pooled)" : ""), workload: workload,
            seed: usedSeed)
    }
}
