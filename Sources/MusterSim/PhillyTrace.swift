import MusterCore

/// Microsoft Philly 2017 as pre-processed by the Pollux authors: `philly/philly_jobs_pollux.csv.gz`, columns
/// `timestamp,duration,num_gpus,gpu_time,cluster`, one row per job (82,247 jobs).
///
/// Submit time is seconds since the earliest timestamp in the file (read as UTC, so the first job arrives at 0);
/// runtime is the duration rounded up, at least 1 s. The trace has no user estimates, so the time limit is the
/// runtime itself: backfill gets exact estimates. The team and the partition are the virtual cluster (VC) hash,
/// the priority `normal`, the name `philly-<line>`.
public enum PhillyTrace {
    /// The jobs file, relative to the trace directory.
    public static let jobsFile = "philly/philly_jobs_pollux.csv.gz"
    /// The virtual-cluster sizes used by Helios's QSSF simulator, relative to the trace directory.
    public static let virtualClustersFile = "philly/philly_vc_nodes_helios_qssf.csv"
    static let columns = ["timestamp", "duration", "num_gpus", "gpu_time", "cluster"]

    /// Reads the jobs from the trace directory.
    public static func load(traceDirectory: String) throws(TraceError) -> Workload {
        try load(path: TraceDirectory.file(jobsFile, in: traceDirectory))
    }

    /// Reads the jobs from one file in the Philly format (gzipped or plain), sorted by (submit time, line).
    /// Blank lines (the file ends with one) are skipped.
    /// - Complexity: O(rows log rows).
    public static func load(path: String) throws(TraceError) -> Workload {
        try load(path: path, from: nil, to: nil)
    }

    /// The jobs submitted from `from` to `to` (inclusive, `2017-10-01 00:00:00` style, UTC), time 0 at the first.
    public static func load(traceDirectory: String, from: String, to: String) throws(TraceError) -> Workload {
        func stamp(_ text: String) -> Int64? { Array(text.utf8).withUnsafeBufferPointer { parseTimestamp($0) } }
        guard let start = stamp(from), let end = stamp(to) else {
            throw .badArgument("the window must be times like 2017-10-01 00:00:00, got \(from) to \(to)")
        }
        return try load(path: TraceDirectory.file(jobsFile, in: traceDirectory), from: start, to: end)
    }

    static func load(path: String, from start: Int64?, to end: Int64?) throws(TraceError) -> Workload {
        let reader = GzipLineReader(path: path)
        let file = reader.fileName
        var rows: [(stamp: Int64, runtime: Int64, gpus: Int, team: String, line: Int)] = []
        rows.reserveCapacity(90_000)
        try reader.forEachLineBytes { (line: Int, bytes: UnsafeBufferPointer<UInt8>) throws(TraceError) in
            if line == 1 {
                let header = String(decoding: bytes, as: UTF8.self)
                guard header == columns.joined(separator: ",") else {
                    throw .badRow(
                        file: file, line: 1,
                        message: "header should be \(columns.joined(separator: ",")), found '\(header)'")
                }
                return
            }
            if bytes.isEmpty { return }
            let row = try CSVRow(file: file, line: line, bytes: bytes, columns: columns)
            guard let stamp = parseTimestamp(row.field(0)) else {
                throw row.fail(0, "'\(row.string(0))' is not a time like 2017-10-09 07:01:55")
            }
            let duration = try row.double(1)
            guard duration >= 0 else { throw row.fail(1, "must not be negative, got \(duration)") }
            let gpus = try row.int(2)
            guard gpus >= 1 else { throw row.fail(2, "must be at least 1, got \(gpus)") }
            guard !row.isEmpty(4) else { throw row.fail(4, "is empty, expected a virtual cluster name") }
            if let start, stamp < start { return }
            if let end, stamp > end { return }
            rows.append((stamp, max(1, Int64(duration.rounded(.up))), gpus, row.string(4), line))
        }
        let origin = rows.map(\.stamp).min() ?? 0
        rows.sort { $0.stamp != $1.stamp ? $0.stamp < $1.stamp : $0.line < $1.line }
        let jobs = rows.map { row in
            TraceJob(
                spec: JobSpec(
                    name: "philly-\(row.line)", gpus: row.gpus, timeLimit: row.runtime, team: row.team,
                    submitTime: row.stamp - origin),
                runtime: row.runtime, partition: row.team)
        }
        return Workload(name: "philly", jobs: jobs)
    }

    /// Virtual clusters and their node counts, in file order (11 VCs, 352 nodes).
    public static func virtualClusters(traceDirectory: String) throws(TraceError) -> [(name: String, nodes: Int)] {
        let reader = GzipLineReader(path: try TraceDirectory.file(virtualClustersFile, in: traceDirectory))
        var out: [(String, Int)] = []
        try reader.forEachLineBytes { (line: Int, bytes: UnsafeBufferPointer<UInt8>) throws(TraceError) in
            guard line > 1, !bytes.isEmpty else { return }
            let row = try CSVRow(file: reader.fileName, line: line, bytes: bytes, columns: ["vc", "node num"])
            guard !row.isEmpty(0) else { throw row.fail(0, "is empty, expected a virtual cluster name") }
            let nodes = try row.int(1)
            guard nodes >= 1 else { throw row.fail(1, "must be at least 1, got \(nodes)") }
            out.append((row.string(0), nodes))
        }
        return out
    }

    /// Seconds since 1970 for `YYYY-MM-DD HH:MM:SS` (UTC), or nil if malformed.
    static func parseTimestamp(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard b.count == 19, b[4] == 45, b[7] == 45, b[10] == 32, b[13] == 58, b[16] == 58 else { return nil }
        func num(_ from: Int, _ to: Int) -> Int64? {
            var v: Int64 = 0
            for i in from..<to {
                guard b[i] >= 48 && b[i] <= 57 else { return nil }
                v = v * 10 + Int64(b[i] - 48)
            }
            return v
        }
        guard let y = num(0, 4), let m = num(5, 7), let d = num(8, 10), let hh = num(11, 13), let mm = num(14, 16),
            let ss = num(17, 19), (1...12).contains(m), (1...31).contains(d), hh < 24, mm < 60, ss < 61
        else { return nil }
        // Days from civil (Howard Hinnant's algorithm).
        let yy = m <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return days * 86_400 + hh * 3_600 + mm * 60 + ss
    }
}
