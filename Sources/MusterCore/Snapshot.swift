/// Everything `Scheduler.plan` looks at: the cluster's free capacity, the queue and the running jobs.
public struct Snapshot: Sendable {
    public var cluster: Cluster
    /// Queued jobs (the policy orders them).
    public var pending: PendingQueue
    public var running: RunningJobs
    /// The backfill reservation of the last pass, reused by the next passes while it is still the head's (a
    /// reservation stays safe as long as the nodes don't change: set it to nil when they do).
    public var reservation: Reservation?
    /// Teams, quotas, classes and fair share; nil: one queue, no quotas, no preemption.
    public var sharing: SharingState?
    /// Hot spares held back from ordinary work, and the gangs that may restart on them; nil: none.
    public var spares: SparePool?
    /// Nodes out of service (down, drained, returning; the simulator's failed nodes): what the snapshot holds on
    /// each so nothing starts there (`withdraw`, `restore`).
    public internal(set) var withdrawn: [Int32: Withdrawal] = [:]

    /// Jobs backfill passes left unexamined (beyond `Scheduler.backfillDepth`), summed over passes.
    public var backfillSkipped = 0

    public init(cluster: Cluster, pending: [PendingJob] = [], running: RunningJobs = RunningJobs()) {
        self.cluster = cluster
        self.pending = PendingQueue(pending)
        self.running = running
    }

    /// Starts `job` on `placement` at `now`: takes the GPUs, moves it from pending to running.
    /// `borrowed`: it starts on lent capacity (charged to its team as borrowed).
    public mutating func start(_ job: PendingJob, on placement: Placement, at now: Seconds, borrowed: Bool = false) {
        cluster.allocate(placement, cpusPerNode: job.cpusPerNode, memoryMiBPerNode: job.memoryMiBPerNode)
        var entry = RunningJob(
            id: job.id, placement: placement, cpusPerNode: job.cpusPerNode,
            memoryMiBPerNode: job.memoryMiBPerNode, startTime: now,
            expectedEnd: now.addingReportingOverflow(job.timeLimit).overflow ? .max : now + job.timeLimit,
            priority: job.priority, team: job.team, borrowed: borrowed, attainedBefore: job.attained)
        entry.service = job.service
        if sharing != nil {
            setLedgers(&entry, askedFor: job.model)
            sharing!.account(entry, 1)
            sharing!.power?.account(placement, in: cluster, 1)
        }
        running.insert(entry)
    }

    /// Runs `body` on the spare pool and the cluster together; nothing without a pool.
    public mutating func withSpares(_ body: (inout SparePool, inout Cluster) -> Void) {
        guard spares != nil else { return }
        body(&spares!, &cluster)
    }

    /// Sets which ledger a job that asked for `model` is charged to, and the model ledger it squats on.
    public func setLedgers(_ job: inout RunningJob, askedFor model: Int16) {
        guard let sharing, !sharing.modelQuotas.isEmpty else { return }
        job.ledger = sharing.ledger(forModel: model)
        if job.ledger < 0, let node = job.placement.nodes.first {
            let onModel = Int16(clamping: Int(cluster.nodeModel[Int(node)]))
            if sharing.modelQuotas[Int(onModel)] != nil { job.squats = onModel }
        }
    }

    /// Adds a job that already holds GPUs (a shell rebuilding its view): charged to its team unless `stopping`.
    public mutating func hold(_ job: RunningJob) {
        cluster.allocate(job.placement, cpusPerNode: job.cpusPerNode, memoryMiBPerNode: job.memoryMiBPerNode)
        running.insert(job)
        if !job.stopping { sharing?.account(job, 1) }
        // A stopping job's GPUs still draw power until its ranks end.
        sharing?.power?.account(job.placement, in: cluster, 1)
    }

    /// Ends a running job: gives its GPUs back. Returns it, or nil if it was not running.
    @discardableResult
    public mutating func finish(_ id: JobID) -> RunningJob? {
        guard let job = running.remove(id) else { return nil }
        cluster.release(job.placement, cpusPerNode: job.cpusPerNode, memoryMiBPerNode: job.memoryMiBPerNode)
        if !job.stopping { sharing?.account(job, -1) }
        sharing?.power?.account(job.placement, in: cluster, -1)
        if spares != nil {
            // A gang restarting on spares gets its nodes back first.
            spares!.released(job.placement, refilling: spares!.claims[id] == nil, cluster: &cluster)
        }
        // What it gave back on a node out of service stays held.
        if !withdrawn.isEmpty { for node in job.placement.nodes { holdFree(node) } }
        return job
    }
}
