/// A job step: one `srun` inside a running batch job, its tasks spread over (part of) the job's allocation.
///
/// Steps belong to the attempt they ran in (`Attempt.steps`) and are numbered from 0, as Slurm's
/// `SLURM_STEP_ID`. A step takes no GPUs of its own: its tasks run on the nodes and GPUs the attempt holds, so the
/// attempt keeps them until its batch script and every step task have exited.
public struct Step: Sendable, Hashable, Codable {
    /// 0, 1, ... within the attempt.
    public var id: Int
    /// The program and its arguments, run without a shell (looked up in the step's `PATH`).
    public var command: [String]
    /// Absolute directory the tasks start in (srun's).
    public var workdir: String
    /// srun's environment, which the tasks inherit; dropped once the step has ended (only a start needs it).
    public var env: [String: String]?
    /// The step's nodes, in the attempt's order.
    public var nodes: [String]
    /// One entry per task, in task (`SLURM_PROCID`) order.
    public var tasks: [StepTask]
    /// What became of each task, parallel to `tasks`.
    public var ranks: [RankState]
    /// `--cpus-per-task`, if given.
    public var cpusPerTask: Int?
    /// When srun asked for it.
    public var launchedAt: Double
    /// When its last task exited.
    public var endedAt: Double?
    /// Its exit status once every task exited: the highest task exit code, as srun's; -1 when a task was lost
    /// and none exited non-zero.
    public var exitCode: Int32?

    public init(
        id: Int, command: [String], workdir: String, env: [String: String], nodes: [String], tasks: [StepTask],
        cpusPerTask: Int?, launchedAt: Double
    ) {
        self.id = id
        self.command = command
        self.workdir = workdir
        self.env = env
        self.nodes = nodes
        self.tasks = tasks
        self.ranks = Array(repeating: RankState(), count: tasks.count)
        self.cpusPerTask = cpusPerTask
        self.launchedAt = launchedAt
    }

    /// True while some task may still run.
    public var hasLiveTasks: Bool { ranks.contains { !$0.exited } }

    /// Tasks per step node, in `nodes` order.
    public var tasksPerNode: [Int] {
        nodes.map { node in tasks.reduce(0) { $0 + ($1.node == node ? 1 : 0) } }
    }

    /// srun's exit status from its tasks' (all exited): 0 when all exited 0, else the highest code, or the first
    /// non-zero one when none is positive (a lost task's -1).
    static func exitStatus(_ ranks: [RankState]) -> Int32 {
        let codes = ranks.compactMap(\.exitCode)
        guard let first = codes.first(where: { $0 != 0 }) else { return 0 }
        let highest = codes.max() ?? first
        return highest > 0 ? highest : first
    }
}

/// Where one task of a step runs: its node, its index among the step's nodes and on that node, its GPUs.
public struct StepTask: Sendable, Hashable, Codable {
    public var node: String
    /// `SLURM_NODEID`: the node's index among the step's nodes.
    public var nodeIndex: Int
    /// `SLURM_LOCALID`: the task's index on its node.
    public var local: Int
    /// `CUDA_VISIBLE_DEVICES`: the device indices it may use (all of the attempt's on the node without
    /// `--gpus-per-task`).
    public var gpus: [Int]

    public init(node: String, nodeIndex: Int, local: Int, gpus: [Int]) {
        self.node = node
        self.nodeIndex = nodeIndex
        self.local = local
        self.gpus = gpus
    }
}

/// What srun asks for: the command and how to lay its tasks out over the job's allocation (Slurm's `-N`, `-n`,
/// `--ntasks-per-node`, `-w`, `--gpus-per-task`, `--cpus-per-task`). Nil fields take Slurm's defaults: every
/// node of the allocation, the job's tasks per node.
public struct StepRequest: Sendable, Hashable {
    public var command: [String]
    public var workdir: String
    public var env: [String: String]
    public var nodes: Int?
    public var tasks: Int?
    public var tasksPerNode: Int?
    public var nodelist: [String]?
    public var gpusPerTask: Int?
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

    /// Most steps one attempt may launch (Slurm's `MaxStepCount` is 40,000).
    public static let maxSteps = 10_000

    /// The tasks of this request over `attempt`'s allocation, in block order (node by node, the first nodes
    /// taking one more when the tasks do not divide evenly, as Slurm's default distribution), or why it cannot be
    /// laid out, naming the option.
    public func layout(over attempt: Attempt) throws(LifecycleError) -> (nodes: [String], tasks: [StepTask]) {
        var candidates = attempt.nodes
        if let nodelist {
            guard !nodelist.isEmpty else { throw .invalid(field: "nodelist", "give at least one node") }
            for name in nodelist where !attempt.nodes.contains(name) {
                throw .invalid(
                    field: "nodelist",
                    "node \(name) is not in the job's allocation (\(attempt.nodes.joined(separator: ",")))")
            }
            candidates = attempt.nodes.filter { nodelist.contains($0) }
            if let nodes, nodes != candidates.count {
                throw .invalid(
                    field: "nodes", "\(nodes) nodes asked but --nodelist names \(candidates.count) of the allocation")
            }
        }
        if let nodes, nodes < 1 || nodes > candidates.count {
            throw .invalid(field: "nodes", "must be 1 to \(candidates.count) (the job's allocation), got \(nodes)")
        }
        if let tasks, tasks < 1 {
            throw .invalid(field: "tasks", "must be 1 or more, got \(tasks)")
        }
        if let tasksPerNode, tasksPerNode < 1 || tasksPerNode > Lifecycle.maxTasksPerNode {
            throw .invalid(
                field: "tasks_per_node", "must be 1 to \(Lifecycle.maxTasksPerNode), got \(tasksPerNode)")
        }
        let nodeCount =
            nodes ?? (nodelist != nil ? candidates.count : nil)
            ?? tasks.map { all in
                tasksPerNode.map { min(candidates.count, (all + $0 - 1) / $0) } ?? min(all, candidates.count)
            } ?? candidates.count
        let chosen = Array(candidates.prefix(nodeCount))
        let total = tasks ?? nodeCount * (tasksPerNode ?? attempt.tasksPerNode)
        guard total >= nodeCount else {
            throw .invalid(
                field: "tasks", "\(total) task(s) cannot cover \(nodeCount) nodes; each node runs one at least")
        }
        var perNode = (0..<nodeCount).map { total / nodeCount + ($0 < total % nodeCount ? 1 : 0) }
        if let tasksPerNode {
            guard total <= nodeCount * tasksPerNode else {
                throw .invalid(
                    field: "tasks", "\(total) task(s) do not fit \(nodeCount) node(s) x \(tasksPerNode) per node")
            }
            // Block distribution: fill each node up to tasksPerNode in order.
            var left = total
            perNode = (0..<nodeCount).map { i in
                let here = min(tasksPerNode, left - (nodeCount - 1 - i))
                left -= here
                return here
            }
        }
        guard perNode.allSatisfy({ $0 <= Lifecycle.maxTasksPerNode }) else {
            throw .invalid(field: "tasks", "at most \(Lifecycle.maxTasksPerNode) tasks per node")
        }
        var out: [StepTask] = []
        for (i, node) in chosen.enumerated() {
            let devices = attempt.gpus[attempt.nodes.firstIndex(of: node)!]
            if let gpusPerTask {
                guard gpusPerTask >= 1, gpusPerTask * perNode[i] <= devices.count else {
                    throw .invalid(
                        field: "gpus_per_task",
                        "\(perNode[i]) task(s) x \(gpusPerTask) GPU(s) on \(node), which holds \(devices.count) of "
                            + "the job's GPUs")
                }
            }
            for local in 0..<perNode[i] {
                let gpus = gpusPerTask.map { Array(devices[(local * $0)..<((local + 1) * $0)]) } ?? devices
                out.append(StepTask(node: node, nodeIndex: i, local: local, gpus: gpus))
            }
        }
        return (chosen, out)
    }
}
