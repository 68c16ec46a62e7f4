/// `POST /v1/jobs`: what a user asks to run. Only `gpus` and `command` (or `script`) and `workdir` are required.
public struct SubmitRequest: Codable, Sendable, Hashable {
    /// Job name (default `job`).
    public var name: String?
    /// Total GPUs of the gang (0 for a CPU-only job).
    public var gpus: Int
    /// Number of nodes, if fixed.
    public var nodes: Int?
    /// GPUs on each node, if fixed.
    public var gpusPerNode: Int?
    /// Processes started on each node (default 1); ranks are numbered node by node.
    public var tasksPerNode: Int?
    /// CPU cores per node (0 or absent: don't care).
    public var cpusPerNode: Int?
    /// Memory per node in MiB (0 or absent: don't care).
    public var memoryMibPerNode: Int?
    /// Wall-clock limit in seconds (default one hour).
    public var timeLimit: Int64?
    /// Owning team (default `default`).
    public var team: String?
    /// The GPU model the job must run on: a model's name (`muster nodes` lists them), any case, or a part of
    /// exactly one (`a100`); absent: any model.
    public var gpuModel: String?
    /// Priority class name: `low`, `normal`, `high` or `critical` (default `normal`).
    public var priority: String?
    /// The program and its arguments, run without a shell. Empty when `script` is given.
    public var command: [String]
    /// A batch script's text; when present it is run as `/bin/bash SCRIPT` and `command` holds its arguments.
    public var script: String?
    /// Absolute directory the ranks start in (the submit directory).
    public var workdir: String
    /// Extra environment variables for every rank.
    public var env: [String: String]?
    /// Output file for stdout and stderr, relative to `workdir` unless absolute; `%j` job id, `%t` rank,
    /// `%x` job name, `%N` node name. Default: the controller's `logs/<job>/rank-<r>.out`.
    public var output: String?
    /// sbatch's `--export`: `all` (default: `env` on top of a clean base) or `none` (only the clean base; `env`
    /// then holds just the variables the user named).
    public var export: String?
    /// Jobs this one waits on (at most 64, each the submitter's own); it is held until all are satisfied and
    /// cancelled if one never can be.
    public var dependencies: [DependencyInfo]?
    /// A job array, as sbatch's `--array`: `0-999%50` (indices, at most 10,000; `%N` caps the tasks queued or
    /// running at once). Each task is its own job, with consecutive ids.
    public var array: String?
    /// Times the job is put back in the queue when it loses ranks to a failure not its own (a node down, a lost
    /// start); 0 to 100, default 0 (it fails).
    public var maxRestarts: Int?
    /// When preempted, end as `preempted` instead of going back to the queue (default false: requeued, with
    /// `MUSTER_RESTART_COUNT` one higher and the same `MUSTER_CHECKPOINT_DIR`).
    public var noRequeue: Bool?

    public init(
        name: String? = nil, gpus: Int, nodes: Int? = nil, gpusPerNode: Int? = nil, tasksPerNode: Int? = nil,
        cpusPerNode: Int? = nil, memoryMibPerNode: Int? = nil, timeLimit: Int64? = nil, team: String? = nil,
        priority: String? = nil, command: [String], script: String? = nil, workdir: String,
        env: [String: String]? = nil, output: String? = nil, export: String? = nil,
        dependencies: [DependencyInfo]? = nil, array: String? = nil, maxRestarts: Int? = nil,
        noRequeue: Bool? = nil, gpuModel: String? = nil
    ) {
        self.name = name
        self.gpus = gpus
        self.nodes = nodes
        self.gpusPerNode = gpusPerNode
        self.tasksPerNode = tasksPerNode
        self.cpusPerNode = cpusPerNode
        self.memoryMibPerNode = memoryMibPerNode
        self.timeLimit = timeLimit
        self.team = team
        self.priority = priority
        self.command = command
        self.script = script
        self.workdir = workdir
        self.env = env
        self.output = output
        self.export = export
        self.dependencies = dependencies
        self.array = array
        self.maxRestarts = maxRestarts
        self.noRequeue = noRequeue
        self.gpuModel = gpuModel
    }

    enum CodingKeys: String, CodingKey {
        case name, gpus, nodes
        case gpusPerNode = "gpus_per_node"
        case tasksPerNode = "tasks_per_node"
        case cpusPerNode = "cpus_per_node"
        case memoryMibPerNode = "memory_mib_per_node"
        case timeLimit = "time_limit"
        case team, priority, command, script, workdir, env, output, export, dependencies, array
        case maxRestarts = "max_restarts"
        case noRequeue = "no_requeue"
        case gpuModel = "gpu_model"
    }
}

/// The answer to `POST /v1/jobs`: the durable id of the new job (an array's first task).
public struct SubmitResponse: Codable, Sendable, Hashable {
    public var id: Int64
    /// An array's task count: its tasks have ids `id` to `id + count - 1`. Absent for one job.
    public var count: Int?

    public init(id: Int64, count: Int? = nil) {
        self.id = id
        self.count = count
    }
}
