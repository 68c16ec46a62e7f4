/// One process an agent must start: the rank, its environment, command and where its output goes.
public struct Assignment: Codable, Sendable, Hashable {
    public var task: TaskKey
    public var name: String
    /// The user the ranks run as (on a root agent); the agent resolves the name on its own host.
    public var user: String
    /// argv; for a script, `["/bin/bash", SCRIPT_PATH, args...]` after the agent writes `script`.
    public var argv: [String]
    public var script: String?
    public var workdir: String
    /// The complete extra environment: the user's variables plus `MUSTER_*`, `RANK`, `MASTER_ADDR`, ...
    public var env: [String: String]
    /// What the ranks inherit: `all` (the agent's clean base plus `env`) or `none` (only `env` and the base).
    public var export: String
    /// The user's output file pattern (`%j`, `%t`, `%x`, `%N`; relative to `workdir`), or nil for the agent's own
    /// log directory. The agent uploads the output to the controller either way.
    public var output: String?
    /// Seconds from start until the agent stops the process.
    public var timeLimit: Int64
    /// Seconds between SIGTERM and SIGKILL.
    public var grace: Double

    public init(
        task: TaskKey, name: String, user: String, argv: [String], script: String?, workdir: String,
        env: [String: String], export: String, output: String?, timeLimit: Int64, grace: Double
    ) {
        self.task = task
        self.name = name
        self.user = user
        self.argv = argv
        self.script = script
        self.workdir = workdir
        self.env = env
        self.export = export
        self.output = output
        self.timeLimit = timeLimit
        self.grace = grace
    }

    enum CodingKeys: String, CodingKey {
        case task, name, user, argv, script, workdir, env, export, output
        case timeLimit = "time_limit"
        case grace
    }
}

/// The answer to `GET /v1/agents/{name}/assignments`: everything queued for the node after `after`.
public struct AssignmentBatch: Codable, Sendable, Hashable {
    /// The controller process that numbered `seq`; a poll naming another instance starts from 0.
    public var controllerInstance: String
    /// The number of the last item included; the next poll passes it as `after`.
    public var seq: Int64
    public var assignments: [Assignment]
    public var kill: [TaskKill]

    public init(controllerInstance: String, seq: Int64, assignments: [Assignment], kill: [TaskKill]) {
        self.controllerInstance = controllerInstance
        self.seq = seq
        self.assignments = assignments
        self.kill = kill
    }

    enum CodingKeys: String, CodingKey {
        case controllerInstance = "controller_instance"
        case seq, assignments, kill
    }
}
