/// What the scheduler needs of a shared cluster's policy in one pass: the classes, the quota accounting and
/// each team's fair-share factor. Part of the `Snapshot`; nil there means one queue with no teams.
public struct SharingState: Sendable {
    public var policy: SharingPolicy
    public var quotas: Quotas
    /// Fair-share factor per team (indices of `quotas`), in 0...1.
    public var fairShare: [Double]
    /// The simulator's model: running jobs checkpoint this often (for the work a preemption loses); nil on a live
    /// cluster, where `RunningJob.checkpoint` is what was reported.
    public var checkpointEvery: Seconds?
    /// The lowest and highest class ranks, for the class factor.
    private var lowRank = 0
    private var highRank = 0
    /// Class of each rank seen, so a pass looks it up in O(1).
    private var classes: [Int: ClassPolicy] = [:]

    public init(policy: SharingPolicy, totalGPUs: Int) {
        self.policy = policy
        quotas = Quotas(policy: policy, totalGPUs: totalGPUs)
        fairShare = Array(repeating: 1, count: quotas.names.count)
        for c in policy.classes { classes[c.rank] = c }
        lowRank = policy.classes.map(\.rank).min() ?? 0
        highRank = policy.classes.map(\.rank).max() ?? 0
    }

    /// The class of a job of priority `rank`.
    public func classOf(_ rank: Int) -> ClassPolicy {
        classes[rank] ?? policy.classRanked(rank)
    }

    /// The multifactor priority of `job` at `now` on a cluster of `totalGPUs`.
    func priority(_ job: PendingJob, now: Seconds, totalGPUs: Int) -> Double {
        let w = policy.weights
        let (low, high) = (lowRank, highRank)
        let classFactor = high > low ? Double(min(max(job.priority, low), high) - low) / Double(high - low) : 1
        let age = now > job.submitTime ? Double(now - job.submitTime) : 0
        let ageFactor = w.maxAge > 0 ? min(1, age / w.maxAge) : 1
        let team = Int(job.team)
        let fs = team >= 0 && team < fairShare.count ? fairShare[team] : 1
        let size = totalGPUs > 0 ? Double(job.shape.gpus) / Double(totalGPUs) : 0
        return w.classWeight * classFactor + w.fairShare * fs + w.age * ageFactor + w.size * min(1, size)
    }
}
