import Foundation
import MusterAPI
import MusterCore

/// How the controller shows a job on the wire: its `JobInfo`, its ranks' assignments and where its logs are.
/// Pure functions of the lifecycle's values.
enum JobViews {
    /// The job as the API shows it; `why` (`Lifecycle.why`) is a pending job's reason.
    static func info(_ job: Job, why: String?, dataDir: String, now: Double) -> JobInfo {
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
            gpuModel: job.spec.gpuModel, energyWh: joules > 0 ? (joules / 36).rounded() / 100 : nil)
    }

    /// The controller's copy of rank `rank`'s output: `<data>/logs/<job>/rank-<rank>.out`.
    static func logPath(job: JobID, rank: Int, dataDir: String) -> String {
        "\(dataDir)/logs/\(job)/rank-\(rank).out"
    }

    /// The assignments of every rank of an attempt.
    static func assignments(_ job: Job, _ attempt: Attempt, nodes: [String: Node], config: ControllerConfig)
        -> [Assignment]
    {
        let launch = job.launch ?? JobLaunch(command: ["/bin/true"], workdir: "/")
        let masterAddress = nodes[attempt.nodes[0]]?.inventory.address ?? "127.0.0.1"
        let world = attempt.ranks.count
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
        slurm["SLURM_NODELIST"] = slurm["SLURM_JOB_NODELIST"]
        slurm["SLURM_JOB_NUM_NODES"] = slurm["SLURM_NNODES"]
        slurm["SLURM_NPROCS"] = slurm["SLURM_NTASKS"]
        if job.spec.cpusPerNode > 0 {
            slurm["SLURM_CPUS_PER_TASK"] = "\(max(1, job.spec.cpusPerNode / attempt.tasksPerNode))"
        }
        for (nodeRank, node) in attempt.nodes.enumerated() {
            for local in 0..<attempt.tasksPerNode {
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
