import Foundation
import MusterCore

/// What became of each job of a replay, indexed like `Workload.jobs`: when it started and ended on the virtual
/// clock (-1 for both if it was rejected). `muster sim --jobs FILE.csv` writes it out.
public struct JobOutcomes: Sendable, Hashable {
    public var start: [Seconds]
    public var end: [Seconds]

    public init(start: [Seconds], end: [Seconds]) {
        self.start = start
        self.end = end
    }

    /// The CSV header; one row per job follows.
    public static let header =
        "job,name,team,partition,gpus,submit,start,end,wait_s,jct_s,bounded_slowdown,state"

    /// One row per job of `workload`, in workload order (times in seconds from the workload's start).
    public func csvLines(_ workload: Workload) -> some Sequence<String> {
        let start = self.start
        let end = self.end
        let rows = workload.jobs.indices.lazy.map { i in
            let job = workload.jobs[i]
            let spec = job.spec
            var row =
                "\(i),\(csvField(spec.name)),\(csvField(spec.team)),\(csvField(job.partition ?? "")),\(spec.gpus),"
            row += "\(spec.submitTime),"
            guard start[i] >= 0, end[i] >= 0 else { return row + ",,,,,rejected" }
            let jct = end[i] - spec.submitTime
            let slowdown = max(1, Double(jct) / Double(max(end[i] - start[i], 10)))
            let state = job.runtime > spec.timeLimit ? "timed_out" : "completed"
            row += "\(start[i]),\(end[i]),\(start[i] - spec.submitTime),\(jct),\(rounded(slowdown)),\(state)"
            return row
        }
        return [AnySequence(CollectionOfOne(Self.header)), AnySequence(rows)].joined()
    }

    /// Writes `csvLines` to `path` (gzipped if it ends in `.gz`).
    public func writeCSV(_ workload: Workload, to path: String) throws(TraceError) {
        try GzipLineWriter.write(csvLines(workload), to: path)
    }
}

/// `text` as one CSV field: quoted when it holds a comma, a quote or a line break.
func csvField(_ text: String) -> String {
    guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
    return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}
