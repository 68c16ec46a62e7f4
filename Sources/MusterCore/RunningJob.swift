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

    public init(
        id: JobID, placement: Placement, cpusPerNode: Int = 0, memoryMiBPerNode: Int = 0, startTime: Seconds,
        expectedEnd: Seconds, priority: Int = PriorityClass.normal.rank
    ) {
        self.id = id
        self.placement = placement
        self.cpusPerNode = cpusPerNode
        self.memoryMiBPerNode = memoryMiBPerNode
        self.startTime = startTime
        self.expectedEnd = expectedEnd
        self.priority = priority
    }
}
