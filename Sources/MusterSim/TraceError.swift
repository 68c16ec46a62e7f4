/// Why a workload or cluster description could not be read. Every message says where and what to do.
public enum TraceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A row is malformed: names the file (base name), the 1-based line and the field.
    case badField(file: String, line: Int, field: String, message: String)
    /// A row has the wrong number of columns.
    case badRow(file: String, line: Int, message: String)
    /// The file is missing or unreadable.
    case unreadable(path: String, reason: String)
    /// No trace directory could be found.
    case noTraceDirectory(String)
    /// The `--trace` or `--cluster` argument is not understood.
    case badArgument(String)

    public var description: String {
        switch self {
        case .badField(let file, let line, let field, let message): "\(file) line \(line): \(field) \(message)"
        case .badRow(let file, let line, let message): "\(file) line \(line): \(message)"
        case .unreadable(let path, let reason): "cannot read \(path): \(reason)"
        case .noTraceDirectory(let message): message
        case .badArgument(let message): message
        }
    }
}
