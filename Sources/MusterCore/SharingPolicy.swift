/// How a shared cluster is divided: priority classes, teams with guarantees and limits, the multifactor
/// priority weights, whether idle guarantees are lent and reclaimed by preemption, and what a preemption costs
/// in the simulator. Read from the config file (`SharingConfigFile`); reloaded without a restart.
public struct SharingPolicy: Sendable, Hashable {
    /// The classes, in any order; names and ranks distinct.
    public var classes: [ClassPolicy]
    /// The teams (leaves and orgs); empty: one implicit team, `default`, with no guarantee.
    public var teams: [TeamPolicy]
    public var weights: PriorityWeights
    /// Idle guarantees are lent to teams that need more (false: each team is a hard partition of its guarantee).
    public var lending: Bool
    /// Jobs may be preempted: to reclaim lent guarantees, and by higher classes.
    public var preemption: Bool
    /// Simulator: seconds between two checkpoints of a running job (work since the last one is lost when it is
    /// preempted). Default 30 min: Young's optimal interval, sqrt(2 × checkpoint write time × mean time between
    /// interruptions), with a 2-minute write and the ~3 h between interruptions the Llama 3 paper reports for
    /// 16,384 GPUs (419 in 54 days), is 27 min; teams round to 30 or 60 min.
    public var checkpointInterval: Double
    /// Simulator: seconds a restarted job spends before it makes progress again: rescheduling, starting its
    /// processes, initialising collectives and reading the checkpoint back (as long as writing it, 2 min, in the
    /// example above). Default 2 min.
    public var restartOverhead: Double
    /// Power budgets (`[power]`); nil: none.
    public var power: PowerBudget?
    /// Hot spares per leaf block (`[spares]`); nil: none.
    public var spares: SparePolicy?

    public init(
        classes: [ClassPolicy] = SharingPolicy.defaultClasses, teams: [TeamPolicy] = [],
        weights: PriorityWeights = PriorityWeights(), lending: Bool = true, preemption: Bool = true,
        checkpointInterval: Double = 1_800, restartOverhead: Double = 120
    ) {
        self.classes = classes
        self.teams = teams
        self.weights = weights
        self.lending = lending
        self.preemption = preemption
        self.checkpointInterval = checkpointInterval
        self.restartOverhead = restartOverhead
    }

    /// `inference` > `production` > `research` > `best-effort`, with the older names as aliases of the same rank.
    public static let defaultClasses: [ClassPolicy] = [
        ClassPolicy(
            name: "inference", rank: 300, mayPreempt: true, preemptible: false, minRuntime: 0, grace: 30,
            aliases: ["critical", "serving"]),
        ClassPolicy(
            name: "production", rank: 200, mayPreempt: true, preemptible: true, minRuntime: 600, grace: 30,
            aliases: ["high"]),
        ClassPolicy(
            name: "research", rank: 100, mayPreempt: false, preemptible: true, minRuntime: 300, grace: 30,
            aliases: ["normal"]),
        ClassPolicy(
            name: "best-effort", rank: 0, mayPreempt: false, preemptible: true, minRuntime: 60, grace: 30,
            aliases: ["low", "besteffort"]),
    ]

    /// The class a user named (a name or an alias, any case), or nil. The old names (`low`, `normal`, `high`,
    /// `critical`) keep working when the classes in force do not define them: each maps to the class of its
    /// rank (0, 100, 200, 300), as `classRanked`.
    public func classNamed(_ name: String) -> ClassPolicy? {
        let key = name.lowercased()
        if let c = classes.first(where: { $0.name == key || $0.aliases.contains(key) }) { return c }
        return PriorityClass.named(key).map { classRanked($0.rank) }
    }

    /// The class of a job whose priority has `rank`: the one with that rank, else the highest below it, else the
    /// lowest (a job stored under classes since removed still maps onto one).
    public func classRanked(_ rank: Int) -> ClassPolicy {
        var best: ClassPolicy?
        var lowest: ClassPolicy?
        for c in classes {
            if c.rank <= rank, best.map({ c.rank > $0.rank }) ?? true { best = c }
            if lowest.map({ c.rank < $0.rank }) ?? true { lowest = c }
        }
        return best ?? lowest ?? ClassPolicy(name: "default", rank: rank)
    }

    /// The class names, highest first, for messages.
    public var classNames: String {
        classes.sorted { $0.rank > $1.rank }.map(\.name).joined(separator: ", ")
    }

    /// The teams' full paths, including orgs implied by them, for messages.
    public var teamNames: String {
        teams.map(\.name).sorted().joined(separator: ", ")
    }
}
