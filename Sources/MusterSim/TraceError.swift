/// Why a workload or cluster description could not be read. Every message says where and what to do, e.g.
/// `philly_jobs_pollux.csv.gz line 1041: num_gpus 'x' is not an integer`.
public enum TraceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A row is malformed: names the file (base name), the 1-based line and the field.
    case badField(file: String, line: Int, field: String, message: String)
    /// A row has the wrong number of columns or is not what the format expects.
    case badRow(file: String, line: Int, message: String)
    /// The file is missing or unreadable.
    case unreadable(path: String, reason: String)
    /// A file could not be written.
    case unwritable(path: String, reason: String)
    /// A file that should be in the trace directory is not there.
    case missingTraceFile(path: String, traceDirectory: String)
    /// No trace directory could be found.
    case noTraceDirectory(String)
    /// The `--trace` or `--cluster` argument is not understood.
    case badArgument(String)

    /// The message for the user: where, what, and what to do.
    public var description: String {
        switch self {
        case .badField(let file, let line, let field, let message): "\(file) line \(line): \(field) \(message)"
        case .badRow(let file, let line, let message): "\(file) line \(line): \(message)"
        case .unreadable(let path, let reason): "cannot read \(path): \(reason)"
        case .unwritable(let path, let reason): "cannot write \(path): \(reason)"
        case .missingTraceFile(let path, let directory):
            "cannot read \(path): no such file in the trace directory '\(directory)'. Point --trace-dir DIR or "
                + "MUSTER_TRACE_DIR at a folder laid out like the shared one (philly/, alibaba-pai-2023/csv/); "
                + "its README.md says where each file comes from."
        case .noTraceDirectory(let message): message
        case .badArgument(let message): message
        }
    }
}
