/// The multifactor priority of a queued job, as Slurm's `priority/multifactor`: each factor is in 0...1 and
/// priority = class x `classWeight` + fair share x `fairShare` + age x `age` + size x `size`.
///
/// Defaults: class 100,000 (classes always dominate, so queue order agrees with who may preempt whom), fair share
/// 10,000, age 1,000 (full after `maxAge`, 7 days as Slurm's `PriorityMaxAge`), size 100 (a share of the
/// cluster's GPUs, as Slurm's job size factor). Fair share is Slurm's classic 2^(-usage/share), with usage
/// decayed by `halfLife` (7 days, Slurm's `PriorityDecayHalfLife`).
public struct PriorityWeights: Sendable, Hashable, Codable {
    public var classWeight: Double
    public var fairShare: Double
    public var age: Double
    public var size: Double
    /// Seconds after which the age factor is full.
    public var maxAge: Double
    /// Seconds over which past usage loses half its weight in fair share.
    public var halfLife: Double

    public init(
        classWeight: Double = 100_000, fairShare: Double = 10_000, age: Double = 1_000, size: Double = 100,
        maxAge: Double = 7 * 86_400, halfLife: Double = 7 * 86_400
    ) {
        self.classWeight = classWeight
        self.fairShare = fairShare
        self.age = age
        self.size = size
        self.maxAge = maxAge
        self.halfLife = halfLife
    }

    /// Largest weight accepted (keeps sums exact in a Double).
    public static let maxWeight: Double = 1e9
}
