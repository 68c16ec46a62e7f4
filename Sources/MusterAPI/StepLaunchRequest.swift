/// `POST /v1/jobs/{id}/steps`: srun inside a running job launches a step over (part of) its allocation. Absent
/// layout fields take Slurm's defaults: every node, the job's tasks per node, each task seeing all of its node's
/// GPUs of the job.
public struct StepLaunchRequest: Codable, Sendable, Hashable {
    /// The program and its arguments (1 to 4,096), run without a shell; looked up in `env`'s `PATH`.
    public var command: [String]
    /// Absolute directory the tasks start in.
    public var workdir: String
    /// srun's environment, which every task inherits (at most 4,096 variables).
    public var env: [String: String]
    /// `-N/--nodes`: how many of the allocation's nodes (the first ones, or those of `nodelist`).
    public var nodes: Int?
    /// `-n/--ntasks`: tasks in all.
    public var tasks: Int?
    /// `--ntasks-per-node`.
    public var tasksPerNode: Int?
    /// `-w/--nodelist`: nodes of the allocation, by name.
    public var nodelist: [String]?
    /// `--gpus-per-task`: each task gets its own GPUs of its node (`CUDA_VISIBLE_DEVICES`).
    public var gpusPerTask: Int?
    /// `-c/--cpus-per-task`: set as `SLURM_CPUS_PER_TASK`.
    public var cpusPerTask: Int?

    public init(
        command: [String], workdir: String, env: [String: String] = [:], nodes: Int? = nil, tasks: Int? = nil,
        tasksPerNode: Int? = nil, nodelist: [String]? = nil, gpusPerTask: Int? = nil, cpusPerTask: Int? = nil
    ) {
        self.command = command
        self.workdir = workdir
        self.env = env
        self.nodes = nodes
        self.tasks = tasks
        self.tasksPerNode = tasksPerNode
        self.nodelist = nodelist
        self.gpusPerTask = gpusPerTask
        self.cpusPerTask = cpusPerTask
    }

    enum CodingKeys: String, CodingKey {
        case command, workdir, env, nodes, tasks
        case tasksPerNode = "tasks_per_node"
        case nodelist
        case gpusPerTask = "gpus_per_task"
        case cpusPerTask = "cpus_per_task"
    }
}

extension StepLaunchRequest: WireFields {
    public static var wireFields: [String: (any WireFields.Type)?] {
        Dictionary(
            uniqueKeysWithValues: [
                "command", "workdir", "env", "nodes", "tasks", "tasks_per_node", "nodelist", "gpus_per_task",
                "cpus_per_task",
            ].map { ($0, nil) })
    }
}
