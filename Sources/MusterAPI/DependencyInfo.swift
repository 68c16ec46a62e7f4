/// One dependency of a job on the wire: `{"type": "afterok", "job_id": 12}`, sbatch's `--dependency=afterok:12`.
public struct DependencyInfo: Codable, Sendable, Hashable {
    /// `after` (it started), `afterok` (it completed), `afternotok` (it failed or was cancelled) or `afterany`
    /// (it ended).
    public var type: String
    public var jobID: Int64

    public init(type: String, jobID: Int64) {
        self.type = type
        self.jobID = jobID
    }

    enum CodingKeys: String, CodingKey {
        case type
        case jobID = "job_id"
    }
}

extension DependencyInfo {
    /// The dependency types sbatch's `--dependency` takes that Muster supports.
    public static let types = ["after", "afterok", "afternotok", "afterany"]

    /// Reads sbatch's `--dependency` text: `TYPE:JOB[:JOB...]`, several joined by `,` (all must hold). Slurm's
    /// `?` (any may hold), `singleton` and `+time` are refused with a message saying so.
    public static func parse(_ text: String) throws(DependencyTextError) -> [DependencyInfo] {
        if text.contains("?") {
            throw DependencyTextError(
                "'\(text)': '?' (any of several) is not supported; separate with ',' (all must hold)")
        }
        var out: [DependencyInfo] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let fields = part.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard let type = fields.first, types.contains(type) else {
                throw DependencyTextError(
                    "'\(part)': the type must be one of \(types.joined(separator: ", ")) (as in afterok:12)")
            }
            guard fields.count >= 2 else { throw DependencyTextError("'\(part)': name a job, as in \(type):12") }
            for id in fields.dropFirst() {
                guard let job = Int64(id), job >= 1 else {
                    throw DependencyTextError("'\(part)': '\(id)' is not a job id (+time is not supported)")
                }
                out.append(DependencyInfo(type: type, jobID: job))
            }
        }
        return out
    }
}

/// Why `--dependency` text could not be read.
public struct DependencyTextError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}
