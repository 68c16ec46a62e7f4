import Foundation
import MusterCore

/// Muster's own workload format: JSON Lines, one job per line.
///
/// ```
/// {"submit": 0, "gpus": 8, "runtime": 3600, "time_limit": 7200, "team": "vision", "priority": "high"}
/// ```
/// Required: `submit` (seconds from the start), `gpus`, `runtime` (seconds it really runs). Optional: `time_limit`
/// (default: runtime), `nodes`, `gpus_per_node`, `cpus_per_node`, `memory_mib_per_node`, `team` (default
/// `default`), `priority` (`low`, `normal`, `high`, `critical`; default `normal`), `name`. Blank lines and lines
/// starting with `#` are ignored.
public enum JSONLWorkload {
    struct Line: Codable {
        var submit: Int64
        var gpus: Int
        var runtime: Int64
        var timeLimit: Int64?
        var nodes: Int?
        var gpusPerNode: Int?
        var cpusPerNode: Int?
        var memoryMibPerNode: Int?
        var team: String?
        var priority: String?
        var name: String?
    }

    /// Reads a workload file.
    public static func load(path: String) throws(TraceError) -> Workload {
        let reader = GzipLineReader(path: path)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        var jobs: [TraceJob] = []
        try reader.forEachLine { (line: Int, text: Substring) throws(TraceError) in
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { return }
            let entry: Line
            do {
                entry = try decoder.decode(Line.self, from: Data(trimmed.utf8))
            } catch let DecodingError.keyNotFound(key, _) {
                throw .badField(file: reader.fileName, line: line, field: snake(key.stringValue), message: "is missing")
            } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
                let field = context.codingPath.last.map { snake($0.stringValue) } ?? "value"
                throw .badField(file: reader.fileName, line: line, field: field, message: "has the wrong type")
            } catch {
                throw .badRow(file: reader.fileName, line: line, message: "is not a JSON object")
            }
            func fail(_ field: String, _ message: String) -> TraceError {
                .badField(file: reader.fileName, line: line, field: field, message: message)
            }
            guard entry.runtime >= 1 else { throw fail("runtime", "must be at least 1 s, got \(entry.runtime)") }
            guard entry.submit >= 0 else { throw fail("submit", "must not be negative, got \(entry.submit)") }
            var priority = PriorityClass.normal
            if let name = entry.priority {
                guard let p = PriorityClass.named(name) else {
                    throw fail("priority", "'\(name)' is not one of low, normal, high, critical")
                }
                priority = p
            }
            let spec = JobSpec(
                name: entry.name ?? "job-\(line)", gpus: entry.gpus, nodes: entry.nodes, gpusPerNode: entry.gpusPerNode,
                cpusPerNode: entry.cpusPerNode ?? 0, memoryMiBPerNode: entry.memoryMibPerNode ?? 0,
                timeLimit: entry.timeLimit ?? entry.runtime, team: entry.team ?? "default", priority: priority,
                submitTime: entry.submit)
            do {
                try spec.validate()
            } catch let error as JobSpecError {
                throw fail(error.field ?? "job", error.message)
            } catch {
                throw fail("job", "\(error)")
            }
            jobs.append(TraceJob(spec: spec, runtime: entry.runtime))
        }
        let name = String(path.split(separator: "/").last ?? Substring(path))
        return Workload(name: name, jobs: jobs.sorted { $0.spec.submitTime < $1.spec.submitTime })
    }

    /// Writes `workload` in this format, one job per line.
    public static func write(_ workload: Workload, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        var out = Data()
        for job in workload.jobs {
            let s = job.spec
            let line = Line(
                submit: s.submitTime, gpus: s.gpus, runtime: job.runtime, timeLimit: s.timeLimit, nodes: s.nodes,
                gpusPerNode: s.gpusPerNode, cpusPerNode: s.cpusPerNode == 0 ? nil : s.cpusPerNode,
                memoryMibPerNode: s.memoryMiBPerNode == 0 ? nil : s.memoryMiBPerNode, team: s.team,
                priority: s.priority.name, name: s.name)
            out.append(try encoder.encode(line))
            out.append(UInt8(ascii: "\n"))
        }
        try out.write(to: URL(fileURLWithPath: path))
    }

    private static func snake(_ key: String) -> String {
        var out = ""
        for c in key {
            if c.isUppercase {
                out += "_" + c.lowercased()
            } else {
                out.append(c)
            }
        }
        return out
    }
}
