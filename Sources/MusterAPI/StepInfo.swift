import MusterCore

/// A job step as the API shows it (`GET /v1/jobs/{id}/steps/{step}`, and `steps` of a job).
public struct StepInfo: Codable, Sendable, Hashable {
    /// `SLURM_STEP_ID`: 0, 1, ... within the job's current attempt.
    public var id: Int
    public var jobID: Int64
    /// `running` until every task exited, then `completed` (exit 0) or `failed`.
    public var state: String
    public var command: [String]
    public var nodes: [String]
    /// Its tasks, in `SLURM_PROCID` order.
    public var tasks: [StepTaskInfo]
    public var launchTime: Double
    public var endTime: Double?
    /// srun's status: the highest task exit code (0 when all exited 0).
    public var exitCode: Int32?

    public init(
        id: Int, jobID: Int64, state: String, command: [String], nodes: [String], tasks: [StepTaskInfo],
        launchTime: Double, endTime: Double?, exitCode: Int32?
    ) {
        self.id = id
        self.jobID = jobID
        self.state = state
        self.command = command
        self.nodes = nodes
        self.tasks = tasks
        self.launchTime = launchTime
        self.endTime = endTime
        self.exitCode = exitCode
    }

    /// The core's step of job `job`, for the wire.
    public init(_ step: Step, job: Int64) {
        self.init(
            id: step.id, jobID: job,
            state: step.exitCode.map { $0 == 0 ? "completed" : "failed" } ?? "running", command: step.command,
            nodes: step.nodes,
            tasks: zip(step.tasks, step.ranks).map { StepTaskInfo(node: $0.node, exitCode: $1.exitCode) },
            launchTime: step.launchedAt, endTime: step.endedAt, exitCode: step.exitCode)
    }

    enum CodingKeys: String, CodingKey {
        case id
        case jobID = "job_id"
        case state, command, nodes, tasks
        case launchTime = "launch_time"
        case endTime = "end_time"
        case exitCode = "exit_code"
    }
}

/// One task of a step: where it runs and, once it exited, its exit code (-1: lost with its node).
public struct StepTaskInfo: Codable, Sendable, Hashable {
    public var node: String
    public var exitCode: Int32?

    public init(node: String, exitCode: Int32?) {
        self.node = node
        self.exitCode = exitCode
    }

    enum CodingKeys: String, CodingKey {
        case node
        case exitCode = "exit_code"
    }
}
