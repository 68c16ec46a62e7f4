/// One job as the API shows it (`GET /v1/jobs/{id}`, and in lists).
public struct JobInfo: Codable, Sendable, Hashable {
    public var id: Int64
    public var name: String
    /// `pending`, `running`, `completed`, `failed`, `cancelled` or `preempted`.
    public var state: String
    /// The user who submitted it.
    public var owner: String
    public var team: String
    public var priority: String
    public var gpus: Int
    /// Nodes and GPUs per node as scheduled (known at submit from the cluster's node size).
    public var nodes: Int
    public var gpusPerNode: Int
    public var tasksPerNode: Int
    public var timeLimit: Int64
    public var command: [String]
    public var isScript: Bool
    public var workdir: String
    public var output: String?
    /// Where it runs: one entry per node, rank 0's node first.
    public var placement: [PlacementEntry]
    /// Seconds since the Unix epoch.
    public var submitTime: Double
    /// When the scheduler started it (resources assigned).
    public var scheduledTime: Double?
    /// When an agent reported its first process started.
    public var startTime: Double?
    public var endTime: Double?
    /// The first non-zero exit code of a rank, or 0 when every rank succeeded.
    public var exitCode: Int32?
    /// Why it ended this way (failed rank, time limit, cancelled, node down) or why it waits.
    public var reason: String?
    /// Starts so far (fencing epoch of the current run).
    public var epoch: Int
    /// Rank 0's rendezvous port of the latest attempt.
    public var masterPort: Int?
    /// Jobs it waits on; absent when none.
    public var dependencies: [DependencyInfo]?
    /// For a task of a job array: the array's id (its first task's) and this task's index.
    public var arrayJobID: Int64?
    public var arrayTaskID: Int?
    /// Times it was put back in the queue, and how many it may be.
    public var restarts: Int?
    public var maxRestarts: Int?
    /// Times it was preempted, and the latest: by which job, when (Unix seconds) and why.
    public var preemptions: Int?
    public var preemptedBy: Int64?
    public var preemptedAt: Double?
    public var preemptionReason: String?
    /// It ends as `preempted` when preempted instead of being requeued.
    public var noRequeue: Bool?
    /// When the running attempt last wrote a checkpoint (Unix seconds), as its agent saw.
    public var lastCheckpoint: Double?
    /// The GPU model it asked for (absent: any).
    public var gpuModel: String?
    /// Energy its attempts used so far, in watt-hours, modelled (each GPU at an H100's typical draw plus its share
    /// of the node's other parts, 1,175 W).
    public var energyWh: Double?
    /// The steps (`srun`) of its current attempt, oldest first; absent when none.
    public var steps: [StepInfo]?

    public init(
        id: Int64, name: String, state: String, owner: String, team: String, priority: String, gpus: Int, nodes: Int,
        gpusPerNode: Int, tasksPerNode: Int, timeLimit: Int64, command: [String], isScript: Bool, workdir: String,
        output: String?, placement: [PlacementEntry], submitTime: Double, scheduledTime: Double?, startTime: Double?,
        endTime: Double?, exitCode: Int32?, reason: String?, epoch: Int, masterPort: Int?,
        dependencies: [DependencyInfo]? = nil, arrayJobID: Int64? = nil, arrayTaskID: Int? = nil,
        restarts: Int? = nil, maxRestarts: Int? = nil, preemptions: Int? = nil, preemptedBy: Int64? = nil,
        preemptedAt: Double? = nil, preemptionReason: String? = nil, noRequeue: Bool? = nil,
        lastCheckpoint: Double? = nil, gpuModel: String? = nil, energyWh: Double? = nil, steps: [StepInfo]? = nil
    ) {
        self.energyWh = energyWh
        self.steps = steps
        self.id = id
        self.name = name
        self.state = state
        self.owner = owner
        self.team = team
        self.priority = priority
        self.gpus = gpus
        self.nodes = nodes
        self.gpusPerNode = gpusPerNode
        self.tasksPerNode = tasksPerNode
        self.timeLimit = timeLimit
        self.command = command
        self.isScript = isScript
        self.workdir = workdir
        self.output = output
        self.placement = placement
        self.submitTime = submitTime
        self.scheduledTime = scheduledTime
        self.startTime = startTime
        self.endTime = endTime
        self.exitCode = exitCode
        self.reason = reason
        self.epoch = epoch
        self.masterPort = masterPort
        self.dependencies = dependencies
        self.arrayJobID = arrayJobID
        self.arrayTaskID = arrayTaskID
        self.restarts = restarts
        self.maxRestarts = maxRestarts
        self.preemptions = preemptions
        self.preemptedBy = preemptedBy
        self.preemptedAt = preemptedAt
        self.preemptionReason = preemptionReason
        self.noRequeue = noRequeue
        self.lastCheckpoint = lastCheckpoint
        self.gpuModel = gpuModel
    }

    enum CodingKeys: String, CodingKey {
        case id, name, state, owner, team, priority, gpus, nodes
        case gpusPerNode = "gpus_per_node"
        case tasksPerNode = "tasks_per_node"
        case timeLimit = "time_limit"
        case command
        case isScript = "is_script"
        case workdir, output, placement
        case submitTime = "submit_time"
        case scheduledTime = "scheduled_time"
        case startTime = "start_time"
        case endTime = "end_time"
        case exitCode = "exit_code"
        case reason, epoch
        case masterPort = "master_port"
        case dependencies
        case arrayJobID = "array_job_id"
        case arrayTaskID = "array_task_id"
        case restarts
        case maxRestarts = "max_restarts"
        case preemptions
        case preemptedBy = "preempted_by"
        case preemptedAt = "preempted_at"
        case preemptionReason = "preemption_reason"
        case noRequeue = "no_requeue"
        case lastCheckpoint = "last_checkpoint"
        case gpuModel = "gpu_model"
        case energyWh = "energy_wh"
        case steps
    }
}

/// A node of a placement and the GPU indices the job holds there.
public struct PlacementEntry: Codable, Sendable, Hashable {
    public var node: String
    public var gpus: [Int]

    public init(node: String, gpus: [Int]) {
        self.node = node
        self.gpus = gpus
    }
}

/// `GET /v1/jobs`: the jobs matching the filters, oldest first; with `limit`, the newest `limit` of them below the
/// `before` cursor.
public struct JobList: Codable, Sendable, Hashable {
    public var jobs: [JobInfo]
    /// When older matching jobs remain beyond `limit`: pass it as `before` for the next (older) page.
    public var nextBefore: Int64?
    /// The number of the last job change this list includes: pass it as `after` to `GET /v1/jobs/changes` to
    /// follow the queue from here.
    public var seq: Int64?

    public init(jobs: [JobInfo], nextBefore: Int64? = nil, seq: Int64? = nil) {
        self.jobs = jobs
        self.nextBefore = nextBefore
        self.seq = seq
    }

    enum CodingKeys: String, CodingKey {
        case jobs, seq
        case nextBefore = "next_before"
    }
}

/// `GET /v1/jobs/changes`: the jobs that changed after change `after` (their state now), the number to pass
/// next, and whether the caller fell too far behind (or the controller restarted) and must list again.
public struct JobChanges: Codable, Sendable, Hashable {
    public var seq: Int64
    public var reset: Bool
    public var jobs: [JobInfo]

    public init(seq: Int64, reset: Bool, jobs: [JobInfo]) {
        self.seq = seq
        self.reset = reset
        self.jobs = jobs
    }
}
