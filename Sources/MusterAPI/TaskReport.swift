/// Something that happened to one process on an agent.
public struct TaskReport: Codable, Sendable, Hashable {
    /// `started` or `exited`.
    public enum Event: String, Codable, Sendable, Hashable {
        case started, exited
    }

    public var task: TaskKey
    public var event: Event
    /// Seconds since the Unix epoch, on the agent's clock.
    public var time: Double
    /// Exit status (128 + signal when killed by a signal); only for `exited`.
    public var exitCode: Int32?
    /// Why it ended, when the agent ended it (time limit, cancel) or could not start it.
    public var reason: String?

    public init(task: TaskKey, event: Event, time: Double, exitCode: Int32? = nil, reason: String? = nil) {
        self.task = task
        self.event = event
        self.time = time
        self.exitCode = exitCode
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case task, event, time
        case exitCode = "exit_code"
        case reason
    }
}

/// `POST /v1/agents/{name}/reports`: reports in the order they happened.
public struct ReportBatch: Codable, Sendable, Hashable {
    public var reports: [TaskReport]

    public init(reports: [TaskReport]) { self.reports = reports }
}
