/// A time at which `tick` must look at an attempt: its start deadline (a rank not reported started by then is
/// lost) or its hard time limit. Kept in a heap with lazy invalidation: an entry whose attempt moved on (started,
/// ended, a later epoch, a later start time) is dropped when it reaches the top.
struct AttemptDeadline: Sendable, Hashable, Comparable {
    enum Kind: Int, Sendable, Hashable {
        case start, limit
    }

    var time: Double
    var job: JobID
    var epoch: Int
    var kind: Kind

    static func < (a: AttemptDeadline, b: AttemptDeadline) -> Bool {
        (a.time, a.job, a.epoch, a.kind.rawValue) < (b.time, b.job, b.epoch, b.kind.rawValue)
    }
}
