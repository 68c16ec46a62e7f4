import MusterCore

/// Alibaba PAI 2023 "openb" (alibaba/clusterdata, cluster-trace-gpu-v2023): GPU nodes and pods.
///
/// Each pod becomes one job: GPUs = `num_gpu`, with fractional `gpu_milli` (< 1000) rounded up to a whole GPU
/// (Muster does not share GPUs yet); CPUs = `cpu_milli` / 1000 rounded up; submit = `creation_time`;
/// runtime = `deletion_time` - `scheduled_time` (or - `creation_time` when never scheduled), at least 1 s; the time
/// limit is the runtime; team = `qos`; priority LS/Guaranteed high, Burstable normal, BE low. CPU-only pods
/// (`num_gpu` 0) are skipped and counted in the workload's notes.
public enum OpenbTrace {
    public static let directory = "alibaba-pai-2023/csv"
    static let nodeColumns = ["sn", "cpu_milli", "memory_mib", "gpu", "model"]
    static let podColumns = [
        "name", "cpu_milli", "memory_mib", "num_gpu", "gpu_milli", "gpu_spec", "qos", "pod_phase", "creation_time",
        "deletion_time", "scheduled_time",
    ]

    /// The GPU nodes, in file order, grouped into leaf blocks of 32.
    public static func nodes(traceDirectory: String) throws(TraceError) -> ClusterLayout {
        let reader = GzipLineReader(path: "\(traceDirectory)/\(directory)/openb_node_list_gpu_node.csv.gz")
        var models: [String] = []
        var specs: [ClusterLayout.NodeSpec] = []
        try reader.forEachLine { (line: Int, text: Substring) throws(TraceError) in
            guard line > 1, !text.isEmpty else { return }
            let row = try CSVRow(file: reader.fileName, line: line, text: text, columns: nodeColumns)
            let gpus = try row.int(3)
            guard (0...64).contains(gpus) else { throw row.fail(3, "must be 0 to 64, got \(gpus)") }
            let model = String(row.string(4))
            let modelIndex = models.firstIndex(of: model) ?? models.count
            if modelIndex == models.count { models.append(model) }
            specs.append(
                .init(
                    name: String(row.string(0)), gpus: gpus, gpuModel: modelIndex,
                    cpus: (try row.int(1) + 999) / 1000, memoryMiB: try row.int(2), path: [specs.count / 32]))
        }
        return ClusterLayout(
            gpuModels: models.map { GPUModel(name: $0, memoryGiB: 0, maxWatts: 300, idleWatts: 40) },
            levelNames: ["leaf"], nodes: specs)
    }

    /// The pods of `variant` (`default`, `multigpu50`, ...) as a workload.
    public static func load(traceDirectory: String, variant: String = "default") throws(TraceError) -> Workload {
        let reader = GzipLineReader(path: "\(traceDirectory)/\(directory)/openb_pod_list_\(variant).csv.gz")
        var jobs: [TraceJob] = []
        var cpuOnly = 0
        var fractional = 0
        try reader.forEachLine { (line: Int, text: Substring) throws(TraceError) in
            guard line > 1, !text.isEmpty else { return }
            let row = try CSVRow(file: reader.fileName, line: line, text: text, columns: podColumns)
            let gpus = try row.int(3)
            guard gpus >= 0 else { throw row.fail(3, "must not be negative, got \(gpus)") }
            if gpus == 0 {
                cpuOnly += 1
                return
            }
            let milli = try row.int(4)
            if milli < 1000 { fractional += 1 }
            let created = try row.int(8)
            let deleted = try row.int(9)
            let scheduled = row.string(10).isEmpty ? created : try row.int(10)
            let runtime = Int64(max(1, deleted - max(scheduled, created)))
            let priority: PriorityClass =
                switch row.string(6) {
                case "LS", "Guaranteed": .high
                case "BE": .low
                default: .normal
                }
            jobs.append(
                TraceJob(
                    spec: JobSpec(
                        name: String(row.string(0)), gpus: gpus, cpusPerNode: (try row.int(1) + 999) / 1000,
                        memoryMiBPerNode: try row.int(2), timeLimit: runtime,
                        team: row.string(6).isEmpty ? "default" : String(row.string(6)), priority: priority,
                        submitTime: Int64(created)),
                    runtime: runtime))
        }
        jobs.sort { $0.spec.submitTime < $1.spec.submitTime }
        return Workload(
            name: "openb:\(variant)", jobs: jobs,
            notes: [
                "\(cpuOnly) CPU-only pods skipped (Muster schedules GPU nodes here)",
                "\(fractional) fractional-GPU pods rounded up to one whole GPU",
            ])
    }
}
