/// A running job as the scheduler needs to know it: where it runs and when it will have ended at the latest.
public struct RunningJob: Sendable, Hashable {
    public var id: JobID
    public var placement: Placement
    public var cpusPerNode: Int
    public var memoryMiBPerNode: Int
    public var startTime: Seconds
    /// Start plus time limit: the latest moment its resources come back.
    public var expectedEnd: Seconds
    public var priority: Int
    /// Its team (an index of `Quotas`; 0 without sharing).
    public var team: Int32 = 0
    /// It runs on lent capacity: the first to be reclaimed.
    public var borrowed = false
    /// The quota ledger it is charged to: -1 the any-model one, else the GPU model (an index of the cluster's
    /// `gpuModels`) it asked for and some team is guaranteed (`SharingState.modelQuotas`).
    public var ledger: Int16 = -1
    /// A job of the any-model ledger running on GPUs of a model with guarantees borrows them from that model's
    /// ledger (-1: it does not): teams guaranteed that model reclaim them.
    public var squats: Int16 = -1
    /// A replica of a service (counted against its team's headroom).
    public var service = false
    /// When it last reported a checkpoint (its start when it has not): work after it is lost if preempted.
    public var checkpoint: Seconds = .min
    /// Its job has ended or been preempted and its ranks are stopping: it holds GPUs but is never a victim.
    public var stopping = false
    /// GPU-seconds of service received before this attempt.
    public var attainedBefore: Double = 0

    /// GPU-seconds of service received by `now`, this attempt included.
    public func attained(at now: Seconds) -> Double {
        attainedBefore + (now > startTime ? Double(now - startTime) * Double(placement.gpuCount) : 0)
    }

    /// Seconds of its time limit not yet served at `now`.
    public func remaining(at now: Seconds) -> Double {
        let gpus = Double(max(1, placement.gpuCount))
        let limit = expectedEnd == .max ? Double.infinity : Double(expectedEnd - startTime)
        return max(0, limit - attained(at: now) / gpus)
    }

    public init(
        id: JobID, placement: Placement, cpusPerNode: Int = 0, memoryMiBPerNode: Int = 0, startTime: Seconds,
        expectedEnd: Seconds, priority: Int = PriorityClass.normal.rank, team: Int32 = 0, borrowed: Bool = false,
        attainedBefore: Double = 0
    ) {
        self.id = id
        self.placement = placement
        self.cpusPerNode = cpusPerNode
        self.memoryMiBPerNode = memoryMiBPerNode
        self.startTime = startTime
        self.expectedEnd = expectedEnd
        self.priority = priority
        self.team = team
        self.borrowed = borrowed
        self.attainedBefore = attainedBefore
    }

    /// GPU-seconds lost if it is preempted at `now`: work since its last checkpoint (or start); with
    /// `checkpointEvery` (the simulator's model), it checkpoints that often since its start.
    public func workLost(at now: Seconds, checkpointEvery every: Seconds? = nil) -> Double {
        var since = max(startTime, checkpoint)
        if let every, every > 0, now > startTime { since = max(since, startTime + (now - startTime) / every * every) }
        return now > since ? Double(now - since) * Double(placement.gpuCount) : 0
    }
}
