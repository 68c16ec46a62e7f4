/// A job's place in a job array (`--array 0-999%50`): every task of the array is its own job, with consecutive
/// ids; `parent` is the first task's id (the array's id, Slurm's `%A`) and `index` the task's index (`%a`).
public struct ArrayTask: Sendable, Hashable, Codable {
    public var parent: JobID
    public var index: Int
    /// Most tasks of the array queued or running at once (`%50`); nil: no cap.
    public var cap: Int?

    public init(parent: JobID, index: Int, cap: Int?) {
        self.parent = parent
        self.index = index
        self.cap = cap
    }

    /// Most tasks one array may have.
    public static let maxTasks = 10_000
    /// Highest index a task may have (Slurm's default `MaxArraySize` is 1001; Muster allows more).
    public static let maxIndex = 1_000_000
}

/// The lifecycle's bookkeeping of one capped array: which tasks hold one of its `cap` slots (queued or running).
/// Slots are handed out in index order; `cursor` is the first task not yet given one.
struct ArraySlots: Sendable, Hashable {
    var cap: Int
    /// Task ids in index order.
    var members: [JobID]
    var holding: Set<JobID> = []
    var cursor = 0
}
