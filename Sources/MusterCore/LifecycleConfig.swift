/// The lifecycle's timeouts and policy, in seconds of the injected clock.
public struct LifecycleConfig: Sendable, Hashable {
    public var policy: SchedulingPolicy
    /// A node not heard from for this long is down; its ranks are lost and their jobs fail.
    public var heartbeatTimeout: Double
    /// A rank assigned but not reported started within this long is lost; its job fails.
    public var startTimeout: Double
    /// Seconds between SIGTERM and SIGKILL.
    public var killGrace: Double
    /// The controller ends a job this long after its time limit plus grace if its agent has not (hard limit).
    public var timeLimitSlack: Double
    /// Keep ended jobs in memory (the controller lists them); the simulator drops them.
    public var retainEnded: Bool
    /// With `retainEnded`, how long an ended job stays in memory after it ended and released its GPUs
    /// (`Lifecycle.forgetEnded`); infinity: for ever. The live controller keeps them a few minutes, as Slurm's
    /// `MinJobAge`: after that its store answers for them.
    public var keepEnded: Double
    /// `MASTER_PORT`s handed out on a node: below Linux's ephemeral range (32768-60999).
    public var masterPorts: ClosedRange<Int>
    /// Keep why each queued job waits, from the last planning pass (`Lifecycle.why`); the simulator turns it off.
    public var explainWaits: Bool
    /// A requeued job waits this long before its first restart, twice as long before each next (at most 10 min).
    public var requeueBackoff: Double
    /// Classes, teams, quotas, fair share and preemption; nil: one queue ordered by class and age, no preemption
    /// (the simulator without `--config`). The controller always has one (the defaults without a config file).
    public var sharing: SharingPolicy?
    /// Hot spares per leaf block when the sharing policy names none (`muster sim --spares`); nil: none.
    public var spares: SparePolicy?

    public init(
        policy: SchedulingPolicy = .backfill, heartbeatTimeout: Double = 10, startTimeout: Double = 60,
        killGrace: Double = 5, timeLimitSlack: Double = 30, retainEnded: Bool = true,
        keepEnded: Double = .infinity,
        masterPorts: ClosedRange<Int> = 20_000...29_999, explainWaits: Bool = true, requeueBackoff: Double = 10,
        sharing: SharingPolicy? = nil, spares: SparePolicy? = nil
    ) {
        self.policy = policy
        self.heartbeatTimeout = heartbeatTimeout
        self.startTimeout = startTimeout
        self.killGrace = killGrace
        self.timeLimitSlack = timeLimitSlack
        self.retainEnded = retainEnded
        self.keepEnded = keepEnded
        self.masterPorts = masterPorts
        self.explainWaits = explainWaits
        self.requeueBackoff = requeueBackoff
        self.sharing = sharing
        self.spares = spares
    }
}
