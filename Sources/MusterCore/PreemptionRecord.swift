/// Who preempted a job, when and why: kept on the victim (`Job.preemption`), stored, and shown by `muster why`.
public struct PreemptionRecord: Sendable, Hashable, Codable {
    /// The job it made room for.
    public var by: JobID
    /// Seconds since the Unix epoch (or the simulator's clock).
    public var at: Double
    /// The rule that allowed it, in words.
    public var reason: String
    /// The attempt that was preempted.
    public var epoch: Int
    /// Seconds its ranks got between SIGTERM and SIGKILL (its class's grace).
    public var grace: Double

    public init(by: JobID, at: Double, reason: String, epoch: Int, grace: Double) {
        self.by = by
        self.at = at
        self.reason = reason
        self.epoch = epoch
        self.grace = grace
    }
}
