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
    /// Tasks in all.
    public var tasks: Int
    /// Per task, in `SLURM_PROCID` order: its node.
    public var taskNodes: [String]
    /// Per task: its exit code once it exited (-1: lost), else absent.
    public var taskExitCodes: [Int32?]
    public var launchTime: Double
    public var endTime: Double?
    /// srun's status: the highest task exit code (0 when all exited 0).
    public var exitCode: Int32?

    public init(
        id: Int, jobID: Int64, state: String, command: [String], nodes: [String], tasks: Int, taskNodes: [String],
        taskExitCodes: [Int32?], launchTime: Double, endTime: Double?, exitCode: Int32?
    ) {
        self.id = id
        self.jobID = jobID
        self.state = state
        self.command = command
        self.nodes = nodes
        self.tasks = tasks
        self.taskNodes = taskNodes
        self.taskExitCodes = taskExitCodes
        self.launchTime = launchTime
        self.endTime = endTime
        self.exitCode = exitCode
    }

    /// The core's step of job `job`, for the wire.
    public init(_ step: Step, job: Int64) {
        self.init(
            id: step.id, jobID: job,
            state: step.exitCode.map { $0 == 0 ? "completed" : "failed" } ?? "running", command: step.command,
            nodes: step.nodes, tasks: step.tasks.count, taskNodes: step.tasks.map(\.node),
            taskExitCodes: step.ranks.map(\.exitCode), launchTime: step.launchedAt, endTime: step.endedAt,
            exitCode: step.exitCode)
    }

    enum CodingKeys: String, CodingKey {
        case id
        case jobID = "job_id"
        case state, command, nodes, tasks
        case taskNodes = "task_nodes"
        case taskExitCodes = "task_exit_codes"
        case launchTime = "launch_time"
        case endTime = "end_time"
        case exitCode = "exit_code"
    }
}
