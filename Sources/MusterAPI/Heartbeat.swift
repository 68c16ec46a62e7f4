/// `POST /v1/agents/{name}/heartbeat`: the agent is alive and runs exactly `running`; `reports` carries the
/// events not yet acknowledged, so the controller sees them before it compares `running` with its own view.
public struct Heartbeat: Codable, Sendable, Hashable {
    public var name: String
    public var instance: String
    public var running: [TaskKey]
    public var reports: [TaskReport]
    /// Why the node's health check fails (its exit code and first line); absent while healthy.
    public var healthFailure: String?
    /// Checkpoints written since the last heartbeat (absent when none).
    public var checkpoints: [CheckpointReport]?
    /// When the agent took `running` (its clock, seconds since 1970): a rank that started later is not missing
    /// from it (a relay may hold a beat for a while).
    public var time: Double?

    public init(
        name: String, instance: String, running: [TaskKey], reports: [TaskReport] = [], healthFailure: String? = nil,
        checkpoints: [CheckpointReport]? = nil, time: Double? = nil
    ) {
        self.name = name
        self.instance = instance
        self.running = running
        self.reports = reports
        self.healthFailure = healthFailure
        self.checkpoints = checkpoints
        self.time = time
    }

    enum CodingKeys: String, CodingKey {
        case name, instance, running, reports, checkpoints, time
        case healthFailure = "health_failure"
    }
}

/// The answer to a heartbeat: tasks the agent must stop (fencing), and whether it must register again.
public struct HeartbeatResponse: Codable, Sendable, Hashable {
    public var kill: [TaskKill]
    /// True when the controller does not know this node (its store was reset): the agent registers again.
    public var reregister: Bool
    /// Seconds until the next heartbeat: it grows with the cluster (`ControllerConfig.heartbeatInterval(nodes:)`),
    /// so the controller's heartbeat load stays bounded. Absent: keep the current interval.
    public var interval: Double?
    /// Why the controller refused this heartbeat (only in a relay's batch, where one bad beat must not fail the
    /// others); absent when it was applied.
    public var error: String?

    public init(kill: [TaskKill], reregister: Bool = false, interval: Double? = nil, error: String? = nil) {
        self.kill = kill
        self.reregister = reregister
        self.interval = interval
        self.error = error
    }
}

/// Stop every process of `jobID` whose epoch is at most `epoch`: SIGTERM to its process group, then SIGKILL
/// after `grace` seconds.
public struct TaskKill: Codable, Sendable, Hashable {
    public var jobID: Int64
    public var epoch: Int
    public var reason: String
    public var grace: Double
    /// A preemption: the agent writes the task's `MUSTER_PREEMPT_FILE` before SIGTERM.
    public var preempt: Bool?

    public init(jobID: Int64, epoch: Int, reason: String, grace: Double, preempt: Bool? = nil) {
        self.jobID = jobID
        self.epoch = epoch
        self.reason = reason
        self.grace = grace
        self.preempt = preempt
    }

    enum CodingKeys: String, CodingKey {
        case jobID = "job_id"
        case epoch, reason, grace, preempt
    }
}
