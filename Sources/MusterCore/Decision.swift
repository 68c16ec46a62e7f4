/// What the scheduler decided for one job in one planning pass; the shells carry these out.
public enum Decision: Sendable, Hashable {
    /// Start the job now on these GPUs.
    case start(JobID, Placement)
    /// The job is at the head of the queue and cannot start; it is promised these GPUs by `at` at the latest, and
    /// backfill will not delay that.
    case reserve(JobID, at: Seconds, Placement)
    /// Stop this running job to make room for `by`, whose `start` follows in the same pass.
    case preempt(JobID, by: JobID)

    public var jobID: JobID {
        switch self {
        case .start(let id, _), .reserve(let id, _, _), .preempt(let id, _): id
        }
    }
}
