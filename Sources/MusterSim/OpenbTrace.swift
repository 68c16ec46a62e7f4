import Foundation
import MusterCore

/// Alibaba PAI 2023 "openb" (alibaba/clusterdata, cluster-trace-gpu-v2023): GPU nodes and pods, read from
/// `<traceDir>/alibaba-pai-2023/csv/`.
///
/// Each pod becomes one job:
/// - GPUs = `num_gpu`. A fractional pod (`gpu_milli` < 1000, i.e. a share of one GPU) is rounded up to one whole
///   GPU: Muster does not share GPUs. Pods with `num_gpu` 0 (CPU-only) are skipped and counted in the notes.
/// - CPUs per node = `cpu_milli` / 1000 rounded up; memory = `memory_mib`.
/// - submit = `creation_time`; runtime = `deletion_time` - `scheduled_time`, at least 1 s. A pod never scheduled
///   (empty `scheduled_time`: the `Pending` pods, 897 in `default`) runs `deletion_time` - `creation_time`, its
///   whole lifetime, and is counted in the notes. The time limit is the runtime (the trace has no estimates).
/// - team = `qos`; priority LS and Guaranteed → high, Burstable → normal, BE → low; the name is the pod's.
/// - `gpu_spec` (GPU-model constraints, only in the `gpuspec*` variants): a single model becomes the job's
///   `gpuModel` (it runs only on that model's nodes); a set of several (`P100|T4`) is taken as any model and
///   counted in the notes.
///
/// The `multigpu*` variants carry no times (FGD packs them, it does not replay them) and are refused.
public enum OpenbTrace {
    /// The folder, relative to the trace directory.
    public static let directory = "alibaba-pai-2023/csv"
    /// The GPU node list, relative to the trace directory.
    public static let nodesFile = directory + "/openb_node_list_gpu_node.csv.gz"
    static let nodeColumns = ["sn", "cpu_milli", "memory_mib", "gpu", "model"]
    static let podColumns = [
        "name", "cpu_milli", "memory_mib", "num_gpu", "gpu_milli", "gpu_spec", "qos", "pod_phase", "creation_time",
        "deletion_time", "scheduled_time",
    ]

    /// The GPU nodes (1,213 nodes, 6,212 GPUs), in file order, grouped into leaf blocks of 32 nodes.
    public static func nodes(traceDirectory: String) throws(TraceError) -> ClusterLayout {
        let reader = GzipLineReader(path: try TraceDirectory.file(nodesFile, in: traceDirectory))
        var models: [String] = []
        var specs: [ClusterLayout.NodeSpec] = []
        try reader.forEachLineBytes { (line: Int, bytes: UnsafeBufferPointer<UInt8>) throws(TraceError) in
            if line == 1 { return try checkHeader(bytes, nodeColumns, file: reader.fileName) }
            if bytes.isEmpty { return }
            let row = try CSVRow(file: reader.fileName, line: line, bytes: bytes, columns: nodeColumns)
            guard !row.isEmpty(0) else { throw row.fail(0, "is empty, expected a node name") }
            let gpus = try row.int(3)
            guard (0...64).contains(gpus) else { throw row.fail(3, "must be 0 to 64, got \(gpus)") }
            let cpuMilli = try row.int(1)
            guard cpuMilli >= 0 else { throw row.fail(1, "must not be negative, got \(cpuMilli)") }
            let memory = try row.int(2)
            guard memory >= 0 else { throw row.fail(2, "must not be negative, got \(memory)") }
            let model = row.string(4)
            let modelIndex = models.firstIndex(of: model) ?? models.count
            if modelIndex == models.count { models.append(model) }
            specs.append(
                .init(
                    name: row.string(0), gpus: gpus, gpuModel: modelIndex, cpus: cpuMilli / 1000, memoryMiB: memory,
                    path: [specs.count / 32]))
        }
        return ClusterLayout(gpuModels: models.map(gpuModel(named:)), levelNames: ["leaf"], nodes: specs)
    }

    /// The pods of `variant` (`default`, `cpu050`, `gpushare40`, `gpuspec10`, ...) as a workload sorted by
    /// (submit time, line).
    public static func load(traceDirectory: String, variant: String = "default") throws(TraceError) -> Workload {
        let relative = "\(directory)/openb_pod_list_\(variant).csv.gz"
        let path: String
        do {
            path = try TraceDirectory.file(relative, in: traceDirectory)
        } catch {
            let known = variants(traceDirectory: traceDirectory)
            if known.isEmpty { throw error }
            throw .badArgument(
                "openb variant '\(variant)' not found (no \(traceDirectory)/\(relative)); available: "
                    + known.joined(separator: ", "))
        }
        return try load(path: path, name: "openb:\(variant)")
    }

    /// Reads one pod list file in the openb format (gzipped or plain).
    public static func load(path: String, name: String? = nil) throws(TraceError) -> Workload {
        let reader = GzipLineReader(path: path)
        var rows: [(job: TraceJob, line: Int)] = []
        var cpuOnly = 0
        var fractional = 0
        var neverScheduled = 0
        var constrained = 0
        try reader.forEachLineBytes { (line: Int, bytes: UnsafeBufferPointer<UInt8>) throws(TraceError) in
            if line == 1 { return try checkHeader(bytes, podColumns, file: reader.fileName) }
            if bytes.isEmpty { return }
            let row = try CSVRow(file: reader.fileName, line: line, bytes: bytes, columns: podColumns)
            let gpus = try row.int(3)
            guard gpus >= 0 else { throw row.fail(3, "must not be negative, got \(gpus)") }
            if gpus == 0 {
                cpuOnly += 1
                return
            }
            let milli = try row.int(4)
            guard (1...1000).contains(milli) else { throw row.fail(4, "must be 1 to 1000 for a GPU pod, got \(milli)") }
            if milli < 1000 { fractional += 1 }
            var model: String?
            if !row.isEmpty(5) {
                let spec = row.string(5)
                if spec.contains("|") { constrained += 1 } else { model = spec }
            }
            let priority: PriorityClass
            switch row.string(6) {
            case "LS", "Guaranteed": priority = .high
            case "Burstable": priority = .normal
            case "BE": priority = .low
            default: throw row.fail(6, "'\(row.string(6))' is not one of LS, Guaranteed, Burstable, BE")
            }
            let created = try row.int(8)
            guard created >= 0 else { throw row.fail(8, "must not be negative, got \(created)") }
            let deleted = try row.int(9)
            guard deleted >= created else { throw row.fail(9, "\(deleted) is before creation_time \(created)") }
            var started = created
            if row.isEmpty(10) {
                neverScheduled += 1
            } else {
                started = try row.int(10)
                guard (created...deleted).contains(started) else {
                    throw row.fail(10, "\(started) is outside creation_time...deletion_time (\(created)...\(deleted))")
                }
            }
            let cpuMilli = try row.int(1)
            guard cpuMilli >= 0 else { throw row.fail(1, "must not be negative, got \(cpuMilli)") }
            let memory = try row.int(2)
            guard memory >= 0 else { throw row.fail(2, "must not be negative, got \(memory)") }
            let runtime = Seconds(max(1, deleted - started))
            let spec = JobSpec(
                name: row.string(0), gpus: gpus, cpusPerNode: (cpuMilli + 999) / 1000, memoryMiBPerNode: memory,
                timeLimit: runtime, team: row.string(6), priority: priority, submitTime: Seconds(created),
                gpuModel: model)
            rows.append((TraceJob(spec: spec, runtime: runtime), line))
        }
        rows.sort { a, b in
            a.job.spec.submitTime != b.job.spec.submitTime
                ? a.job.spec.submitTime < b.job.spec.submitTime : a.line < b.line
        }
        var notes = [
            "\(cpuOnly) CPU-only pods skipped (Muster schedules GPU nodes here)",
            "\(fractional) fractional-GPU pods rounded up to one whole GPU",
        ]
        if neverScheduled > 0 {
            notes.append(
                "\(neverScheduled) never-scheduled pods replayed for their whole lifetime (deletion - creation)")
        }
        if constrained > 0 {
            notes.append("\(constrained) pods' gpu_spec of several models taken as any model")
        }
        return Workload(name: name ?? reader.fileName, jobs: rows.map(\.job), notes: notes)
    }

    /// The pod list variants present in the trace directory, sorted (`default`, `cpu050`, ...).
    public static func variants(traceDirectory: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "\(traceDirectory)/\(directory)")) ?? []
        let prefix = "openb_pod_list_"
        let suffix = ".csv.gz"
        return names.filter { $0.hasPrefix(prefix) && $0.hasSuffix(suffix) }
            .map { String($0.dropFirst(prefix.count).dropLast(suffix.count)) }.sorted()
    }

    private static func checkHeader(_ bytes: UnsafeBufferPointer<UInt8>, _ columns: [String], file: String)
        throws(TraceError)
    {
        let header = String(decoding: bytes, as: UTF8.self)
        if header == columns.joined(separator: ",") { return }
        if columns == podColumns && header == podColumns[0..<5].joined(separator: ",") {
            throw .badRow(
                file: file, line: 1,
                message: "has no creation, deletion or scheduled times (columns \(header)): the multigpu variants "
                    + "are for packing experiments, not replay; use default, cpu*, gpushare* or gpuspec*")
        }
        throw .badRow(
            file: file, line: 1, message: "header should be \(columns.joined(separator: ",")), found '\(header)'")
    }

    /// What is known of the models in the node list (G1/G2/G3 are undisclosed internal codes).
    static func gpuModel(named name: String) -> GPUModel {
        switch name {
        case "P100": GPUModel(name: name, memoryGiB: 16, maxWatts: 250, idleWatts: 30)
        case "V100M16": GPUModel(name: name, memoryGiB: 16, maxWatts: 300, idleWatts: 40)
        case "V100M32": GPUModel(name: name, memoryGiB: 32, maxWatts: 300, idleWatts: 40)
        case "T4": GPUModel(name: name, memoryGiB: 16, maxWatts: 70, idleWatts: 10)
        case "A10": GPUModel(name: name, memoryGiB: 24, maxWatts: 150, idleWatts: 20)
        default: GPUModel(name: name, memoryGiB: 0, maxWatts: 300, idleWatts: 40)
        }
    }
}
