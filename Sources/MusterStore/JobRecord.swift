import MusterAPI
import MusterCore

/// A job as the controller keeps it durably: the request as submitted, its shape and where it is in its life.
public struct JobRecord: Sendable, Hashable {
    public var id: JobID
    public var request: SubmitRequest
    public var shape: GangShape
    public var state: JobState
    /// Seconds since the Unix epoch.
    public var submitTime: Double
    public var scheduledTime: Double?
    public var startTime: Double?
    public var endTime: Double?
    /// Rank 0's node first.
    public var placement: [PlacementEntry]
    /// One entry per rank of the current run.
    public var ranks: [RankState]
    public var exitCode: Int32?
    public var reason: String?
    /// Incremented at every start; assignments carry it so a stale run can be told apart (fencing).
    public var epoch: Int

    public init(
        id: JobID, request: SubmitRequest, shape: GangShape, state: JobState = .pending, submitTime: Double,
        scheduledTime: Double? = nil, startTime: Double? = nil, endTime: Double? = nil,
        placement: [PlacementEntry] = [], ranks: [RankState] = [], exitCode: Int32? = nil, reason: String? = nil,
        epoch: Int = 0
    ) {
        self.id = id
        self.request = request
        self.shape = shape
        self.state = state
        self.submitTime = submitTime
        self.scheduledTime = scheduledTime
        self.startTime = startTime
        self.endTime = endTime
        self.placement = placement
        self.ranks = ranks
        self.exitCode = exitCode
        self.reason = reason
        self.epoch = epoch
    }

    /// Processes per node.
    public var tasksPerNode: Int { max(1, request.tasksPerNode ?? 1) }
}

/// One rank of a running (or ended) job: where it runs and what its agent reported.
public struct RankState: Codable, Sendable, Hashable {
    public var node: String
    public var started: Bool
    /// Set once the process exited (128 + signal when killed).
    public var exitCode: Int32?

    public init(node: String, started: Bool = false, exitCode: Int32? = nil) {
        self.node = node
        self.started = started
        self.exitCode = exitCode
    }

    public var exited: Bool { exitCode != nil }

    enum CodingKeys: String, CodingKey {
        case node, started
        case exitCode = "exit_code"
    }
}
