import Foundation
import MusterAPI
import MusterCore

/// How the controller shows a job on the wire: its `JobInfo`, its ranks' assignments and where its logs are.
/// Pure functions of the lifecycle's values.
enum JobViews {
    /// The job as the API shows it; `why` (`Lifecycle.why`) is a pending job's reason; `steps` adds its steps
    /// (one job's view, not listings).
    static func info(_ job: Job, why: String?, dataDir: String, now: Double, steps: Bool = false) -> JobInfo {
        let attempt = job.attempt
        let joules = job.energyJoules(until: now)
        return JobInfo(
            id: job.id, name: job.spec.name, state: job.state.rawValue, owner: job.owner, team: job.spec.team,
            priority: job.spec.priority.name, gpus: job.shape.gpus, nodes: job.shape.nodes,
            gpusPerNode: job.shape.gpusPerNode, tasksPerNode: job.tasksPerNode, timeLimit: job.spec.timeLimit,
            command: job.launch?.command ?? [], isScript: job.launch?.script != nil, workdir: job.launch?.workdir ?? "",
            output: job.launch?.output,
            placement: attempt.map { a in zip(a.nodes, a.gpus).map { PlacementEntry(node: $0, gpus: $1) } } ?? [],
            submitTime: job.submittedAt, scheduledTime: attempt?.scheduledAt, startTime: attempt?.startedAt,
            endTime: job.endTime, exitCode: job.exitCode, reason: why ?? job.reason, epoch: job.epoch,
            masterPort: attempt?.masterPort,
            dependencies: job.dependencies.isEmpty
                ? nil : job.dependencies.map { DependencyInfo(type: $0.kind.rawValue, jobID: $0.job) },
            arrayJobID: job.array?.parent, arrayTaskID: job.array?.index,
            restarts: job.maxRestarts > 0 || job.restarts > 0 ? job.restarts : nil,
            maxRestarts: job.maxRestarts > 0 ? job.maxRestarts : nil,
            preemptions: job.preemptions > 0 ? job.preemptions : nil, preemptedBy: job.preemption?.by,
            preemptedAt: job.preemption?.at, preemptionReason: job.preemption?.reason,
            noRequeue: job.noRequeue ? true : nil, lastCheckpoint: job.state == .running ? attempt?.checkpointAt : nil,
            gpuModel: job.spec.gpuModel, energyWh: joules > 0 ? (joules / 36).rounded() / 100 : nil,
            steps: steps ? attempt?.steps?.map { StepInfo($0, job: job.id) } : nil)
    }

    /// The controller's copy of the output of task `task` of step `step` of attempt `epoch`:
    /// `<data>/logs/<job>/step-<epoch>.<step>-task-<task>.out`.
    static func stepLogPath(job: JobID, epoch: Int, step: Int, task: Int, dataDir: String) -> String {
        "\(dataDir)/logs/\(job)/step-\(epoch).\(step)-task-\(task).out"
    }

    /// Slurm's tasks-per-node text: counts in node order, runs compressed (`2(x3),1`).
    static func tasksPerNodeText(_ counts: [Int]) -> String {
        var parts: [String] = []
        var i = 0
        while i < counts.count {
            var j = i
            while j + 1 < counts.count && counts[j + 1] == counts[i] { j += 1 }
            parts.append(j > i ? "\(counts[i])(x\(j - i + 1))" : "\(counts[i])")
            i = j + 1
        }
        return parts.joined(separator: ",")
    }

    /// The assignments of every task of a step: srun's environment plus, per task, Slurm's step variables
    /// (`SLURM_STEP_ID`, `SLURM_PROCID`, `SLURM_LOCALID`, `SLURM_NODEID`, `SLURM_NTASKS`, the step's node list,
    /// `CUDA_VISIBLE_DEVICES`) and the torch.distributed ones for the step (`RANK`, `WORLD_SIZE`, `MASTER_ADDR` of
    /// the step's first node, the attempt's `MASTER_PORT`). Their output goes to the agent's log directory and the
    /// controller (`stepLogPath`), whence srun reads it.
    static func stepAssignments(
        _ job: Job, _ attempt: Attempt, _ step: Step, nodes: [String: Node], config: ControllerConfig
    ) -> [Assignment] {
        guard let base = step.env else { return [] }
        let counts = step.tasksPerNode
        let masterAddress = nodes[step.nodes[0]]?.inventory.address ?? "127.0.0.1"
        var shared = base
        shared["MUSTER_JOB_ID"] = "\(job.id)"
        shared["MUSTER_EPOCH"] = "\(attempt.epoch)"
        shared["MUSTER_STEP_ID"] = "\(step.id)"
        shared["SLURM_JOB_ID"] = "\(job.id)"
        shared["SLURM_JOBID"] = "\(job.id)"
        shared["SLURM_STEP_ID"] = "\(step.id)"
        shared["SLURM_STEPID"] = "\(step.id)"
        shared["SLURM_JOB_NODELIST"] = Hostlist.compress(attempt.nodes)
        shared["SLURM_STEP_NODELIST"] = Hostlist.compress(step.nodes)
        // As under Slurm's srun: SLURM_NODELIST is the job's (SLURM_JOB_NODELIST's old name), not the step's.
        shared["SLURM_NODELIST"] = shared["SLURM_JOB_NODELIST"]
        shared["SLURM_STEP_NUM_NODES"] = "\(step.nodes.count)"
        shared["SLURM_NNODES"] = "\(step.nodes.count)"
        shared["SLURM_STEP_NUM_TASKS"] = "\(step.tasks.count)"
        shared["SLURM_NTASKS"] = "\(step.tasks.count)"
        shared["SLURM_NPROCS"] = "\(step.tasks.count)"
        shared["SLURM_STEP_TASKS_PER_NODE"] = tasksPerNodeText(counts)
        shared["SLURM_TASKS_PER_NODE"] = shared["SLURM_STEP_TASKS_PER_NODE"]
        if let cpus = step.cpusPerTask { shared["SLURM_CPUS_PER_TASK"] = "\(cpus)" }
        shared["MASTER_ADDR"] = masterAddress
        shared["MASTER_PORT"] = "\(attempt.masterPort)"
        shared["WORLD_SIZE"] = "\(step.tasks.count)"
        var out: [Assignment] = []
        out.reserveCapacity(step.tasks.count)
        for (rank, task) in step.tasks.enumerated() {
            var env = shared
            env["MUSTER_NODE_NAME"] = task.node
            env["SLURMD_NODENAME"] = task.node
            env["SLURM_PROCID"] = "\(rank)"
            env["SLURM_LOCALID"] = "\(task.local)"
            env["SLURM_NODEID"] = "\(task.nodeIndex)"
            env["SLURM_GPUS_ON_NODE"] = "\(task.gpus.count)"
            env["CUDA_VISIBLE_DEVICES"] = task.gpus.map(String.init).joined(separator: ",")
            env["RANK"] = "\(rank)"
            env["LOCAL_RANK"] = "\(task.local)"
            env["NODE_RANK"] = "\(task.nodeIndex)"
            env["LOCAL_WORLD_SIZE"] = "\(counts[task.nodeIndex])"
            out.append(
                Assignment(
                    task: TaskKey(jobID: job.id, epoch: attempt.epoch, rank: rank, step: step.id),
                    name: job.spec.name, user: job.owner, argv: step.command, script: nil, workdir: step.workdir,
                    env: env, export: ExportMode.none.rawValue, output: nil, timeLimit: job.spec.timeLimit,
                    grace: config.killGrace))
        }
        return out
    }

    /// The controller's copy of rank `rank`'s output: `<data>/logs/<job>/rank-<rank>.out`.
    static func logPath(job: JobID, rank: Int, dataDir: String) -> String {
        "\(dataDir)/logs/\(job)/rank-\(rank).out"
    }

    /// The assignments of every rank of an attempt: one per node × task, or a batch script's one (rank 0, on
    /// the first node). `stepToken` (`MUSTER_STEP_TOKEN`) lets the job's srun launch steps of this attempt.
    static func assignments(
        _ job: Job, _ attempt: Attempt, nodes: [String: Node], config: ControllerConfig, stepToken: String? = nil
    ) -> [Assignment] {
        let launch = job.launch ?? JobLaunch(command: ["/bin/true"], workdir: "/")
        let masterAddress = nodes[attempt.nodes[0]]?.inventory.address ?? "127.0.0.1"
        let world = attempt.nodes.count * attempt.tasksPerNode
        var out: [Assignment] = []
        out.reserveCapacity(world)
        // What Slurm sets for a job, so scripts written for it read the same names (per task below).
        var slurm: [String: String] = [
            "SLURM_JOB_ID": "\(job.id)", "SLURM_JOB_NAME": job.spec.name, "SLURM_JOB_ACCOUNT": job.spec.team,
            "SLURM_JOB_NODELIST": Hostlist.compress(attempt.nodes), "SLURM_NNODES": "\(attempt.nodes.count)",
            "SLURM_NTASKS": "\(world)", "SLURM_NTASKS_PER_NODE": "\(attempt.tasksPerNode)",
            "SLURM_TASKS_PER_NODE": attempt.nodes.count == 1
                ? "\(attempt.tasksPerNode)" : "\(attempt.tasksPerNode)(x\(attempt.nodes.count))",
            "SLURM_SUBMIT_DIR": launch.workdir,
        ]
        slurm["SLURM_JOBID"] = slurm["SLURM_JOB_ID"]
        slurm["SLURM_NODELIST"] = slurm["SLURM_JOB_NODELIST"]
        slurm["SLURM_JOB_NUM_NODES"] = slurm["SLURM_NNODES"]
        slurm["SLURM_NPROCS"] = slurm["SLURM_NTASKS"]
        if job.spec.cpusPerNode > 0 {
            slurm["SLURM_CPUS_PER_TASK"] = "\(max(1, job.spec.cpusPerNode / attempt.tasksPerNode))"
        }
        for (nodeRank, node) in attempt.nodes.enumerated() where !attempt.isBatch || nodeRank == 0 {
            for local in 0..<(attempt.isBatch ? 1 : attempt.tasksPerNode) {
                let rank = nodeRank * attempt.tasksPerNode + local
                var env = launch.env
                env["MUSTER_JOB_ID"] = "\(job.id)"
                env["MUSTER_JOB_NAME"] = job.spec.name
                env["MUSTER_NODE_NAME"] = node
                env["MUSTER_NUM_NODES"] = "\(attempt.nodes.count)"
                env["MUSTER_EPOCH"] = "\(attempt.epoch)"
                env["MUSTER_RESTART_COUNT"] = "\(job.restarts)"
                if let task = job.array {
                    // Slurm's names too, so array scripts run unchanged.
                    for prefix in ["MUSTER", "SLURM"] {
                        env["\(prefix)_ARRAY_JOB_ID"] = "\(task.parent)"
                        env["\(prefix)_ARRAY_TASK_ID"] = "\(task.index)"
                    }
                }
                if let stepToken { env["MUSTER_STEP_TOKEN"] = stepToken }
                env["MUSTER_CHECKPOINT_DIR"] = "\(config.dataDir)/checkpoints/\(job.id)"
                // Appears (written by the agent) before SIGTERM when this attempt is preempted.
                env["MUSTER_PREEMPT_FILE"] = "\(config.dataDir)/checkpoints/\(job.id)/.preempted-\(attempt.epoch)"
                env.merge(slurm) { _, new in new }
                env["SLURM_NODEID"] = "\(nodeRank)"
                env["SLURM_PROCID"] = "\(rank)"
                env["SLURM_LOCALID"] = "\(local)"
                env["SLURMD_NODENAME"] = node
                env["SLURM_GPUS_ON_NODE"] = "\(attempt.gpus[nodeRank].count)"
                env["CUDA_VISIBLE_DEVICES"] = attempt.gpus[nodeRank].map(String.init).joined(separator: ",")
                env["MASTER_ADDR"] = masterAddress
                env["MASTER_PORT"] = "\(attempt.masterPort)"
                if let replica = job.replica {
                    // Where rank 0 of a service replica must listen; the router and the prober reach it there.
                    env["MUSTER_PORT"] = "\(attempt.servicePort)"
                    env["MUSTER_SERVICE"] = replica.service
                    env["MUSTER_REPLICA"] = "\(replica.index)"
                }
                env["WORLD_SIZE"] = "\(world)"
                env["RANK"] = "\(rank)"
                env["NODE_RANK"] = "\(nodeRank)"
                env["LOCAL_RANK"] = "\(local)"
                env["LOCAL_WORLD_SIZE"] = "\(attempt.tasksPerNode)"
                out.append(
                    Assignment(
                        task: TaskKey(jobID: job.id, epoch: attempt.epoch, rank: rank), name: job.spec.name,
                        user: job.owner, argv: launch.command, script: launch.script, workdir: launch.workdir, env: env,
                        export: launch.export.rawValue, output: launch.output,
                        timeLimit: job.spec.timeLimit, grace: config.killGrace))
            }
        }
        return out
    }
}
