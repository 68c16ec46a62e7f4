import MusterCore

/// Alibaba's GPU-disaggregated DLRM inference trace (cluster-trace-gpu-v2025, Yang et al., NSDI'25):
/// `alibaba-dlrm-2025/disaggregated_DLRM_trace.csv.gz`, one row per instance of 156 recommendation services over
/// 31 days.
///
/// Only the HN rows (heterogeneous GPU nodes; `gpu_request` 1) are kept, each as a one-GPU replica of its
/// `app_name` alive from `creation_time` to `deletion_time` (seconds from the trace start, rounded). A missing
/// creation (NaN or empty: before the start) is 0; a missing deletion (after the end) is the horizon, 31 days.
/// The CN rows (CPU-only nodes, `gpu_request` 0) are counted in `cpuRows` and skipped. `max_instance_per_node`
/// (an anti-affinity limit) is read but not modelled: a replica is one GPU wherever there is one.
public struct DLRMTrace: Sendable, Hashable {
    /// One GPU replica of a service: alive from `created` to `deleted` (seconds from the trace start).
    public struct Replica: Sendable, Hashable {
        public var service: String
        public var created: Seconds
        public var deleted: Seconds

        public init(service: String, created: Seconds, deleted: Seconds) {
            self.service = service
            self.created = created
            self.deleted = deleted
        }
    }

    /// The trace file, relative to the trace directory.
    public static let file = "alibaba-dlrm-2025/disaggregated_DLRM_trace.csv.gz"
    /// The trace's span: 31 days (its latest deletion is at 30.99 days).
    public static let span: Seconds = 31 * 86_400
    static let columns = [
        "instance_sn", "role", "app_name", "cpu_request", "cpu_limit", "gpu_request", "gpu_limit", "rdma_request",
        "rdma_limit", "memory_request", "memory_limit", "disk_request", "disk_limit", "max_instance_per_node",
        "creation_time", "scheduled_time", "deletion_time",
    ]

    /// The GPU replicas, by creation time (ties in file order).
    public var replicas: [Replica]
    /// When replicas with no deletion time end: the trace's span.
    public var horizon: Seconds
    /// Distinct services over all rows, CPU ones included.
    public var services: Int
    /// CN (CPU-only) rows skipped.
    public var cpuRows: Int

    public init(replicas: [Replica], horizon: Seconds = DLRMTrace.span, services: Int? = nil, cpuRows: Int = 0) {
        self.replicas = replicas
        self.horizon = horizon
        self.services = services ?? Set(replicas.map(\.service)).count
        self.cpuRows = cpuRows
    }

    /// Reads the trace from the trace directory.
    public static func load(traceDirectory: String) throws(TraceError) -> DLRMTrace {
        try load(path: TraceDirectory.file(file, in: traceDirectory))
    }

    /// Reads one file in the trace's format (gzipped or plain). Blank lines are skipped.
    /// - Complexity: O(rows log rows).
    public static func load(path: String, horizon: Seconds = span) throws(TraceError) -> DLRMTrace {
        let reader = GzipLineReader(path: path)
        let name = reader.fileName
        var rows: [(replica: Replica, line: Int)] = []
        var services = Set<String>()
        var cpuRows = 0
        try reader.forEachLineBytes { (line: Int, bytes: UnsafeBufferPointer<UInt8>) throws(TraceError) in
            if line == 1 {
                let header = String(decoding: bytes, as: UTF8.self)
                guard header == columns.joined(separator: ",") else {
                    throw .badRow(
                        file: name, line: 1,
                        message: "header should be \(columns.joined(separator: ",")), found '\(header)'")
                }
                return
            }
            if bytes.isEmpty { return }
            let row = try CSVRow(file: name, line: line, bytes: bytes, columns: columns)
            guard !row.isEmpty(2) else { throw row.fail(2, "is empty, expected a service name") }
            let service = row.string(2)
            services.insert(service)
            switch row.string(1) {
            case "CN":
                cpuRows += 1
                return
            case "HN": break
            default: throw row.fail(1, "'\(row.string(1))' is neither HN (GPU) nor CN (CPU)")
            }
            let gpus = try row.int(5)
            guard gpus == 1 else { throw row.fail(5, "should be 1 for an HN instance, got \(gpus)") }
            let created = try time(row, 14) ?? 0
            let deleted = try time(row, 16) ?? horizon
            guard deleted >= created else {
                throw row.fail(16, "\(deleted) is before the creation time \(created)")
            }
            rows.append((Replica(service: service, created: created, deleted: min(deleted, horizon)), line))
        }
        rows.sort {
            $0.replica.created != $1.replica.created ? $0.replica.created < $1.replica.created : $0.line < $1.line
        }
        return DLRMTrace(replicas: rows.map(\.replica), horizon: horizon, services: services.count, cpuRows: cpuRows)
    }

    /// Field `i` as whole seconds, nil when the trace leaves it out (empty or NaN: before the start or after the
    /// end).
    private static func time(_ row: CSVRow, _ i: Int) throws(TraceError) -> Seconds? {
        if row.isEmpty(i) || row.string(i).lowercased() == "nan" { return nil }
        let value = try row.double(i)
        guard value >= 0 else { throw row.fail(i, "must not be negative, got \(value)") }
        return Seconds(value.rounded())
    }

    /// The replicas as one-GPU jobs of `team` and class `priority`, in `partition`, each marked as a replica of
    /// its service (`TraceJob.service`). A replica is submitted at its creation and runs until its deletion
    /// (at least 1 s; the time limit is that run time); placed late, it ends as much later.
    public func jobs(team: String, priority: PriorityClass, partition: String? = nil) -> [TraceJob] {
        replicas.enumerated().map { i, replica in
            let runtime = max(1, replica.deleted - replica.created)
            return TraceJob(
                spec: JobSpec(
                    name: "\(replica.service)-\(i)", gpus: 1, timeLimit: runtime, team: team, priority: priority,
                    submitTime: replica.created),
                runtime: runtime, partition: partition, service: replica.service)
        }
    }
}
