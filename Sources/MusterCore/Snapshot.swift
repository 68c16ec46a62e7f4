/// Everything `Scheduler.plan` looks at: the cluster's free capacity, the queue and the running jobs.
public struct Snapshot: Sendable {
    public var cluster: Cluster
    /// Queued jobs, in any order (the policy orders them).
    public var pending: [PendingJob]
    public var running: RunningJobs
    /// The backfill reservation of the last pass, reused by the next passes while it is still the head's (a
    /// reservation stays safe as long as the nodes don't change: set it to nil when they do).
    public var reservation: Reservation?

    public init(cluster: Cluster, pending: [PendingJob] = [], running: RunningJobs = RunningJobs()) {
        self.cluster = cluster
        self.pending = pending
        self.running = running
    }

    /// Starts `job` on `placement` at `now`: takes the GPUs, moves it from pending to running.
    public mutating func start(_ job: PendingJob, on placement: Placement, at now: Seconds) {
        cluster.allocate(placement, cpusPerNode: job.cpusPerNode, memoryMiBPerNode: job.memoryMiBPerNode)
        running.insert(
            RunningJob(
                id: job.id, placement: placement, cpusPerNode: job.cpusPerNode,
                memoryMiBPerNode: job.memoryMiBPerNode, startTime: now,
                expectedEnd: now.addingReportingOverflow(job.timeLimit).overflow ? .max : now + job.timeLimit,
                priority: job.priority))
    }

    /// Ends a running job: gives its GPUs back. Returns it, or nil if it was not running.
    @discardableResult
    public mutating func finish(_ id: JobID) -> RunningJob? {
        guard let job = running.remove(id) else { return nil }
        cluster.release(job.placement, cpusPerNode: job.cpusPerNode, memoryMiBPerNode: job.memoryMiBPerNode)
        return job
    }
}
