/// What a priority class may do: its place in the order, whether it may preempt or be preempted, how long a job
/// of it runs before it can be preempted, and how long a preempted job gets to checkpoint.
///
/// Defaults (`SharingPolicy.defaultClasses`), highest first: `inference` (300: may preempt, never preempted),
/// `production` (200: may preempt, preemptible after 10 min), `research` (100: preemptible after 5 min),
/// `best-effort` (0: preemptible after 1 min). The older names map onto them by rank: `critical` = inference,
/// `high` = production, `normal` = research, `low` = best-effort.
public struct ClassPolicy: Sendable, Hashable, Codable {
    /// The name users type (`--class`, `--priority`, `#SBATCH --qos`).
    public var name: String
    /// Higher is served first and may preempt lower.
    public var rank: Int
    /// Jobs of this class may preempt lower-class jobs (and borrowed jobs of lower classes in other teams).
    public var mayPreempt: Bool
    /// Jobs of this class may be preempted at all.
    public var preemptible: Bool
    /// Seconds a job of this class runs before it can be preempted: jobs that just started are protected.
    public var minRuntime: Double
    /// Seconds between SIGTERM and SIGKILL when a job of this class is preempted: its time to checkpoint.
    public var grace: Double
    /// Other names for this class.
    public var aliases: [String]

    public init(
        name: String, rank: Int, mayPreempt: Bool = false, preemptible: Bool = true, minRuntime: Double = 0,
        grace: Double = 30, aliases: [String] = []
    ) {
        self.name = name
        self.rank = rank
        self.mayPreempt = mayPreempt
        self.preemptible = preemptible
        self.minRuntime = minRuntime
        self.grace = grace
        self.aliases = aliases
    }

    /// Most seconds of `minRuntime` and `grace`: a day.
    public static let maxSeconds: Double = 86_400
}
