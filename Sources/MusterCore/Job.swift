/// A job: what was asked (`spec`, `launch`), who asked, where it is in its life (`state`) and its latest attempt.
///
/// Owned by `Lifecycle`; shells read it and store it, only the lifecycle changes it.
public struct Job: Sendable, Hashable, Codable, Identifiable {
    public var id: JobID
    public var spec: JobSpec
    /// The gang shape the spec resolved to on the cluster at submit time.
    public var shape: GangShape
    /// Processes per node (ranks are numbered node by node).
    public var tasksPerNode: Int
    /// The user who submitted it: only they (or an admin) see and change it, and its processes run as them.
    public var owner: String
    /// How to start its processes; nil in the simulator.
    public var launch: JobLaunch?
    /// The client's key for this submit: a retry with the same key gets this job back instead of a duplicate.
    public var idempotencyKey: String?
    public internal(set) var state: JobState
    /// Seconds since the Unix epoch (or the simulator's clock), with fractions.
    public var submittedAt: Double
    /// The latest attempt (the running one while `running`).
    public var attempt: Attempt?
    /// When it reached a terminal state.
    public var endTime: Double?
    public var exitCode: Int32?
    /// Why it ended or waits, in words a user can act on.
    public var reason: String?
    /// How often it was put back in the queue after starting.
    public var restarts: Int
    /// Jobs it waits on (`--dependency`): it is held out of the queue until all are satisfied.
    public var dependencies: [JobDependency] = []
    /// Its place in a job array, if it is one of its tasks.
    public var array: ArrayTask?
    /// How often it may be put back in the queue after losing ranks to a failure that is not its own (a node
    /// down, a lost start, a vanished process): `--requeue`, `--max-restarts`. 0: it fails instead.
    public var maxRestarts: Int = 0
    /// How often it was preempted: counted in `restarts`, but not against `maxRestarts`.
    public var preemptions: Int = 0
    /// Its latest preemption: by whom, when and why (`muster why`).
    public var preemption: PreemptionRecord?
    /// When preempted, it ends as `preempted` instead of going back to the queue (`--no-requeue`).
    public var noRequeue = false
    /// GPU-seconds of service its ended attempts received (LAS and SRTF order by it; not stored).
    public var attained: Double = 0
    /// The service replica it is, if it is one.
    public var replica: ReplicaRef?

    public init(
        id: JobID, spec: JobSpec, shape: GangShape, tasksPerNode: Int = 1, owner: String = "", launch: JobLaunch? = nil,
        idempotencyKey: String? = nil, state: JobState = .pending, submittedAt: Double? = nil
    ) {
        self.id = id
        self.spec = spec
        self.shape = shape
        self.tasksPerNode = max(1, tasksPerNode)
        self.owner = owner
        self.launch = launch
        self.idempotencyKey = idempotencyKey
        self.state = state
        self.submittedAt = submittedAt ?? Double(spec.submitTime)
        self.restarts = 0
    }

    /// Restarts after failures that were not its own (those `maxRestarts` limits).
    public var failureRestarts: Int { max(0, restarts - preemptions) }

    /// The current epoch: 0 before the first start.
    public var epoch: Int { attempt?.epoch ?? 0 }

    /// Applies `event`; an illegal transition traps (a bug in the lifecycle, never in input).
    public mutating func apply(_ event: JobEvent) {
        state = state.applying(event)
        if event == .requeue { restarts += 1 }
    }

    /// Modelled watts per GPU for energy accounting: an H100's typical training draw and its share of a DGX H100's
    /// other parts (`PowerModel.h100`: 600 W + 4.6 kW / 8).
    public static let modelledWattsPerGPU =
        PowerModel.h100.gpuTypicalWatts + PowerModel.h100.nodeOtherWatts / Double(PowerModel.h100.gpusPerNode)

    /// How energy is modelled, in words for the CLI.
    public static var energyModelText: String {
        "\(Int(modelledWattsPerGPU.rounded())) W per GPU, an H100's typical draw and its share of the node"
    }

    /// Joules all its attempts used by `now`, modelled (`modelledWattsPerGPU`).
    public func energyJoules(until now: Double) -> Double {
        guard let attempt else { return 0 }
        return (attempt.priorEnergyJoules ?? 0)
            + attempt.energyJoules(
                wattsPerGPU: Self.modelledWattsPerGPU, until: endTime.map { Swift.min($0, now) } ?? now)
    }

    /// Restores a stored job's state (shells loading rows); the lifecycle checks it on load.
    public mutating func restore(state: JobState) {
        self.state = state
    }
}

/// How a job's processes are started: command, environment, directory and output. Opaque to scheduling.
public struct JobLaunch: Sendable, Hashable, Codable {
    /// The program and its arguments, run without a shell; a script's arguments when `script` is set.
    public var command: [String]
    /// A batch script's text, run with `/bin/bash`.
    public var script: String?
    /// Absolute directory the ranks start in.
    public var workdir: String
    /// Environment variables for every rank (on top of the agent's base environment, per `export`).
    public var env: [String: String]
    /// Output file pattern (`%j`, `%t`, `%x`, `%N`); nil: the agent's own log directory.
    public var output: String?
    /// What the job inherits from the environment it runs in: sbatch's `--export`.
    public var export: ExportMode

    public init(
        command: [String], script: String? = nil, workdir: String, env: [String: String] = [:],
        output: String? = nil, export: ExportMode = .all
    ) {
        self.command = command
        self.script = script
        self.workdir = workdir
        self.env = env
        self.output = output
        self.export = export
    }
}

/// sbatch's `--export`: which environment a job's processes start from.
public enum ExportMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// The submitting shell's variables (`env`), on top of a clean login-like base (`HOME`, `USER`, `PATH`...).
    case all
    /// Only the clean base plus the variables the user named explicitly.
    case none
}
