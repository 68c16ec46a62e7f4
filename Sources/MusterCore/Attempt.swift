/// One run of a job: which nodes and GPUs it was given, its ranks and what became of them.
///
/// A job gets a new attempt, with a higher `epoch`, every time it starts. Agents and reports name the epoch, so a
/// rank of an old attempt that still drains is told apart from the new one (fencing).
public struct Attempt: Sendable, Hashable, Codable {
    /// 1 for the first start of the job, then one more per restart.
    public var epoch: Int
    /// Node names, rank 0's node first; rank `r` runs on `nodes[r / tasksPerNode]`.
    public var nodes: [String]
    /// GPU device indices taken on each node, parallel to `nodes`.
    public var gpus: [[Int]]
    public var tasksPerNode: Int
    /// One entry per rank.
    public var ranks: [RankState]
    /// When the scheduler placed it.
    public var scheduledAt: Double
    /// When its first rank reported that it started.
    public var startedAt: Double?
    /// The rendezvous port on rank 0's node, unique among the attempts running there.
    public var masterPort: Int

    /// Where rank 0 of a service replica listens (`MUSTER_PORT`): `masterPort` - 10000, so 10000-19999 with the
    /// default `MASTER_PORT` range, as unique on its node as `masterPort` and below Linux's ephemeral ports.
    public var servicePort: Int { masterPort - 10_000 }
    /// When a rank last reported a checkpoint (bounded by `scheduledAt` and the controller's clock).
    public var checkpointAt: Double?
    /// Joules the job's earlier attempts used (carried from attempt to attempt; nil for a first attempt).
    public var priorEnergyJoules: Double?
    /// True for a batch script's attempt: one rank (rank 0, on the first node) runs the script, as under sbatch,
    /// and the other nodes stay allocated for its steps (nil: false, one rank per node × task).
    public var batch: Bool?
    /// The steps (`srun`) its batch script launched, by id; nil before the first.
    public var steps: [Step]?

    public init(
        epoch: Int, nodes: [String], gpus: [[Int]], tasksPerNode: Int, scheduledAt: Double, masterPort: Int,
        batch: Bool = false
    ) {
        self.epoch = epoch
        self.nodes = nodes
        self.gpus = gpus
        self.tasksPerNode = max(1, tasksPerNode)
        self.ranks = Array(repeating: RankState(), count: batch ? 1 : nodes.count * max(1, tasksPerNode))
        if batch { self.batch = true }
        self.scheduledAt = scheduledAt
        self.masterPort = masterPort
    }

    /// Every rank not yet exited exits now with `exitCode` (counted as started): the simulator's completion.
    public mutating func allExited(exitCode: Int32, at time: Double) {
        for r in ranks.indices where !ranks[r].exited {
            ranks[r] = RankState(started: true, exitCode: exitCode, exitedAt: time)
        }
        if startedAt == nil { startedAt = scheduledAt }
    }

    /// When its last rank exited, if every rank has.
    public var endedAt: Double? {
        guard !ranks.isEmpty, ranks.allSatisfy(\.exited) else { return nil }
        return ranks.compactMap(\.exitedAt).max()
    }

    /// Joules this attempt used from its start to `until` (or its end), modelled: each of its GPUs at
    /// `wattsPerGPU` (its typical draw and its share of the node's other parts); 0 before it starts.
    public func energyJoules(wattsPerGPU: Double, until now: Double) -> Double {
        guard let start = startedAt, start.isFinite else { return 0 }
        let end = Swift.min(endedAt ?? now, now)
        guard end.isFinite, end > start else { return 0 }
        return Double(gpus.reduce(0) { $0 + $1.count }) * wattsPerGPU * (end - start)
    }

    /// The node rank `rank` runs on.
    public func node(ofRank rank: Int) -> String { nodes[rank / tasksPerNode] }

    /// True while some rank or step task may still run (it has not exited and was not declared lost).
    public var hasLiveRanks: Bool { ranks.contains { !$0.exited } || hasLiveSteps }

    /// True while some step task may still run.
    public var hasLiveSteps: Bool { steps?.contains { $0.hasLiveTasks } ?? false }

    /// True for a batch script's attempt (`batch`).
    public var isBatch: Bool { batch == true }

    /// Nodes where a rank or a step task may still run, in the attempt's order, each once. While a batch
    /// script runs, every node of the allocation (it may launch a step on any of them).
    public var nodesWithLiveRanks: [String] {
        if isBatch, ranks.contains(where: { !$0.exited }) { return nodes }
        var out: [String] = []
        for (i, node) in nodes.enumerated() {
            let rankLive =
                !isBatch && ranks[(i * tasksPerNode)..<((i + 1) * tasksPerNode)].contains(where: { !$0.exited })
            if rankLive || hasLiveStepTask(on: node) { out.append(node) }
        }
        return out
    }

    /// True when a task of some step may still run on `node` (false at once without steps).
    func hasLiveStepTask(on node: String) -> Bool {
        guard let steps else { return false }
        return steps.contains { step in
            step.hasLiveTasks && zip(step.tasks, step.ranks).contains { $0.node == node && !$1.exited }
        }
    }
}

/// One rank of an attempt, as its agent reported it.
public struct RankState: Sendable, Hashable, Codable {
    public var started: Bool
    /// Set once the process exited (128 + signal when killed; -1 when it was declared lost).
    public var exitCode: Int32?
    /// When it exited, on the agent's clock (bounded by the controller's).
    public var exitedAt: Double?
    /// When it started, on its agent's clock (absent in rows stored before it was kept).
    public var startedAt: Double?

    public init(started: Bool = false, exitCode: Int32? = nil, exitedAt: Double? = nil, startedAt: Double? = nil) {
        self.started = started
        self.exitCode = exitCode
        self.exitedAt = exitedAt
        self.startedAt = startedAt
    }

    /// Whether a heartbeat whose task list its agent took at `takenAt` (its clock) should list this rank: it
    /// had started by then. A heartbeat taken before the start, and answered after the start's report (a relay
    /// holds beats up to its window), says nothing about it.
    public func shouldBeListed(takenAt: Double?) -> Bool {
        guard started, !exited else { return false }
        guard let takenAt, let startedAt else { return true }
        return startedAt <= takenAt
    }

    public var exited: Bool { exitCode != nil }
}

/// Names one rank of one attempt, or one task of one of its steps: what agents run and report on.
public struct TaskRef: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var job: JobID
    public var epoch: Int
    public var rank: Int
    /// The step the task belongs to (`rank` is then its `SLURM_PROCID` in the step); nil for a rank of the job.
    public var step: Int?

    public init(job: JobID, epoch: Int, rank: Int, step: Int? = nil) {
        self.job = job
        self.epoch = epoch
        self.rank = rank
        self.step = step
    }

    public static func < (a: TaskRef, b: TaskRef) -> Bool {
        (a.job, a.epoch, a.step ?? -1, a.rank) < (b.job, b.epoch, b.step ?? -1, b.rank)
    }

    public var description: String {
        step.map { "job \(job) step \($0) task \(rank) (epoch \(epoch))" } ?? "job \(job) rank \(rank) (epoch \(epoch))"
    }
}
