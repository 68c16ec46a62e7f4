import CZlib
import MusterCore

/// Muster's own workload format: JSON Lines, one job per line, optionally gzipped (`.jsonl.gz`).
///
/// ```
/// # a comment
/// {"submit": 0, "gpus": 8, "runtime": 3600, "time_limit": 7200, "team": "vision", "priority": "high"}
/// {"submit": 30, "gpus": 64, "runtime": 86400, "gpus_per_node": 8, "nodes": 8, "name": "llm-pretrain"}
/// ```
///
/// | field | type | required | meaning |
/// |---|---|---|---|
/// | `submit` | integer ≥ 0 | yes | submit time, seconds from the start of the workload |
/// | `gpus` | integer ≥ 0 | yes | GPUs of the whole gang |
/// | `runtime` | integer ≥ 1 | yes | seconds the job really runs once started |
/// | `time_limit` | integer ≥ 1 | no (= `runtime`) | the user's limit; the job is stopped there, backfill trusts it |
/// | `nodes` | integer ≥ 1 | no | fixes the node count (`gpus` must divide evenly) |
/// | `gpus_per_node` | integer ≥ 0 | no | fixes the GPUs taken on each node |
/// | `cpus_per_node` | integer ≥ 0 | no (0) | CPU cores per node, 0: don't care |
/// | `memory_mib_per_node` | integer ≥ 0 | no (0) | memory per node in MiB, 0: don't care |
/// | `team` | string | no (`default`) | owner of the job (for quotas and reports) |
/// | `priority` | string | no (`normal`) | `low`, `normal`, `high` or `critical` |
/// | `name` | string | no (`job-<line>`) | shown in reports |
/// | `partition` | string | no | partition (e.g. Philly VC) on a partitioned cluster; else the default partition |
///
/// `null` counts as absent. Blank lines and lines starting with `#` are ignored. Unknown fields are errors (a typo
/// such as `time_limt` would otherwise go unnoticed), and every error names the file, the line and the field.
/// Jobs need not be in order: they are sorted by (submit, line).
public enum JSONLWorkload {
    static let fields = [
        "submit", "gpus", "runtime", "time_limit", "nodes", "gpus_per_node", "cpus_per_node", "memory_mib_per_node",
        "team", "priority", "name", "partition",
    ]

    /// Reads a workload file (plain or gzipped).
    /// - Complexity: O(bytes + jobs log jobs).
    public static func load(path: String) throws(TraceError) -> Workload {
        let reader = GzipLineReader(path: path)
        let file = reader.fileName
        var rows: [(job: TraceJob, line: Int)] = []
        try reader.forEachLineBytes { (line: Int, bytes: UnsafeBufferPointer<UInt8>) throws(TraceError) in
            var first = 0
            while first < bytes.count, bytes[first] == 0x20 || bytes[first] == 0x09 { first += 1 }
            if first == bytes.count || bytes[first] == UInt8(ascii: "#") { return }
            rows.append((try job(bytes, file: file, line: line), line))
        }
        rows.sort { a, b in
            a.job.spec.submitTime != b.job.spec.submitTime
                ? a.job.spec.submitTime < b.job.spec.submitTime : a.line < b.line
        }
        return Workload(name: file, jobs: rows.map(\.job))
    }

    /// Parses one line into a job.
    static func job(_ bytes: UnsafeBufferPointer<UInt8>, file: String, line: Int) throws(TraceError) -> TraceJob {
        func fail(_ field: String, _ message: String) -> TraceError {
            .badField(file: file, line: line, field: field, message: message)
        }
        let pairs: [(key: String, value: FlatJSON.Value)]
        do {
            pairs = try FlatJSON.parse(bytes)
        } catch {
            throw .badRow(
                file: file, line: line, message: "not a JSON object: \(error.message) at column \(error.column)")
        }
        var values = [FlatJSON.Value?](repeating: nil, count: fields.count)
        for (key, value) in pairs {
            guard let index = fields.firstIndex(of: key) else {
                throw fail(key, "is not a known field; use \(fields.joined(separator: ", "))")
            }
            guard values[index] == nil else { throw fail(key, "appears twice") }
            if value != .null { values[index] = value }
        }
        func int(_ index: Int, atLeast minimum: Int) throws(TraceError) -> Int? {
            guard let value = values[index] else { return nil }
            let field = fields[index]
            guard case .number(let text) = value else { throw fail(field, "has the wrong type") }
            var parsed = Int(text)
            if parsed == nil, let d = Double(text), d.isFinite, d == d.rounded(), abs(d) < 9e18 { parsed = Int(d) }
            guard let v = parsed else { throw fail(field, "\(text) is not a whole number") }
            guard v >= minimum else { throw fail(field, "must be at least \(minimum), got \(v)") }
            return v
        }
        func required(_ index: Int, atLeast minimum: Int) throws(TraceError) -> Int {
            guard let v = try int(index, atLeast: minimum) else { throw fail(fields[index], "is missing") }
            return v
        }
        func string(_ index: Int) throws(TraceError) -> String? {
            guard let value = values[index] else { return nil }
            guard case .string(let s) = value else { throw fail(fields[index], "has the wrong type") }
            return s
        }
        let submit = try required(0, atLeast: 0)
        let gpus = try required(1, atLeast: 0)
        let runtime = try required(2, atLeast: 1)
        var priority = PriorityClass.normal
        if let name = try string(9) {
            guard let p = PriorityClass.named(name) else {
                throw fail("priority", "'\(name)' is not one of low, normal, high, critical")
            }
            priority = p
        }
        let spec = JobSpec(
            name: try string(10) ?? "job-\(line)", gpus: gpus, nodes: try int(4, atLeast: 1),
            gpusPerNode: try int(5, atLeast: 0), cpusPerNode: try int(6, atLeast: 0) ?? 0,
            memoryMiBPerNode: try int(7, atLeast: 0) ?? 0, timeLimit: Seconds(try int(3, atLeast: 1) ?? runtime),
            team: try string(8) ?? "default", priority: priority, submitTime: Seconds(submit))
        do {
            try spec.validate()
        } catch {
            throw fail(error.field ?? "job", error.message)
        }
        let partition = try string(11)
        if partition?.isEmpty == true { throw fail("partition", "must not be empty; leave it out for the default") }
        return TraceJob(spec: spec, runtime: Seconds(runtime), partition: partition)
    }

    /// One job as a line of this format (no newline). Optional fields are written only when set.
    public static func line(_ job: TraceJob) -> String {
        let s = job.spec
        var out = "{\"submit\": \(s.submitTime), \"gpus\": \(s.gpus), \"runtime\": \(job.runtime)"
        out += ", \"time_limit\": \(s.timeLimit)"
        if let nodes = s.nodes { out += ", \"nodes\": \(nodes)" }
        if let perNode = s.gpusPerNode { out += ", \"gpus_per_node\": \(perNode)" }
        if s.cpusPerNode != 0 { out += ", \"cpus_per_node\": \(s.cpusPerNode)" }
        if s.memoryMiBPerNode != 0 { out += ", \"memory_mib_per_node\": \(s.memoryMiBPerNode)" }
        out += ", \"team\": \(FlatJSON.quoted(s.team)), \"priority\": \(FlatJSON.quoted(s.priority.name))"
        out += ", \"name\": \(FlatJSON.quoted(s.name))"
        if let partition = job.partition { out += ", \"partition\": \(FlatJSON.quoted(partition))" }
        return out + "}"
    }

    /// Writes `workload` in this format, one job per line, gzipped if `path` ends in `.gz`. Only the built-in
    /// priority classes can be read back.
    public static func write(_ workload: Workload, to path: String) throws(TraceError) {
        try GzipLineWriter.write(workload.jobs.lazy.map(line), to: path)
    }
}
