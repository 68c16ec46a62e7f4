import Foundation
import MusterCore

/// A seeded synthetic workload sized to a cluster: a week (by default) of Poisson arrivals at a target load, with
/// the heavy-tailed mix of Philly and Acme.
///
/// | share | GPUs | runtime median (log-normal σ) |
/// |---|---|---|
/// | 85 % | 1 | 20 min (1.5) |
/// | 7 % | 2, 4 | 40 min (1.5) |
/// | 5 % | 8 | 1 h (1.5) |
/// | 2.5 % | 16, 32, 64, 128 | 4 h (1.2) |
/// | 0.5 % | 256, 512, …, 16,384 | 8 h (0.9): hours to a couple of days |
///
/// Within a class smaller gangs are likelier (weight ∝ 1/√GPUs); sizes above a quarter of the cluster are dropped.
/// Runtimes are at least 30 s and at most `duration`. The time limit is the runtime times a factor drawn from
/// [1, 3] (users overestimate), rounded up to a minute. Teams: 8, skewed; priority 75 % normal, 10 % high, 15 % low.
///
/// Load: `load` = offered GPU-seconds / (GPUs × `duration`). The arrival rate solved from the target and the mean
/// GPU-seconds per job is `arrivalRate`; but with this heavy a tail (0.5 % of jobs bring most of the GPU-seconds)
/// a fixed-rate draw misses its load by ±20 % on a 64k-GPU week. So the generator draws jobs until their
/// GPU-seconds reach the target, then places the arrivals as a Poisson process conditioned on that count (sorted
/// uniform times over `duration`, from normalised exponential gaps). Every seed offers the target load within
/// 0.1 % or so (a draw that would overshoot near the end is dropped); the count is about `arrivalRate` ×
/// `duration` (a 1M-GPU week at load 0.8: about 0.9M jobs).
///
/// The same seed always gives the same jobs, on any machine (SplitMix64, no system randomness).
public struct SyntheticWorkload: Sendable {
    /// One class of jobs: its share of arrivals, gang sizes with weights, and log-normal runtime.
    struct JobClass {
        var share: Double
        var sizes: [Int]
        var weights: [Double]
        var medianRuntime: Double
        var sigma: Double
    }

    /// GPUs of the cluster the workload is sized for.
    public var clusterGPUs: Int
    /// The random seed.
    public var seed: UInt64
    /// Span of arrivals, seconds.
    public var duration: Seconds
    /// Offered GPU-seconds as a share of the cluster's GPU-seconds over `duration`.
    public var load: Double

    /// A generator for a cluster of `clusterGPUs` GPUs; nothing is drawn until `generate()`.
    public init(clusterGPUs: Int, seed: UInt64, duration: Seconds = 7 * 86_400, load: Double = 0.8) {
        self.clusterGPUs = clusterGPUs
        self.seed = seed
        self.duration = duration
        self.load = load
    }

    static let teams = ["llm", "vision", "speech", "rec", "rl", "infra", "research", "safety"]
    static let teamWeights = [0.3, 0.18, 0.12, 0.12, 0.1, 0.08, 0.06, 0.04]
    static let minimumRuntime = 30.0

    /// The job classes, dropping gang sizes above a quarter of the cluster (and classes left empty).
    func classes() -> [JobClass] {
        let cap = max(1, clusterGPUs / 4)
        let all: [(Double, [Int], Double, Double)] = [
            (0.85, [1], 1_200, 1.5),
            (0.07, [2, 4], 2_400, 1.5),
            (0.05, [8], 3_600, 1.5),
            (0.025, [16, 32, 64, 128], 4 * 3_600, 1.2),
            (0.005, [256, 512, 1_024, 2_048, 4_096, 8_192, 16_384], 8 * 3_600, 0.9),
        ]
        return all.compactMap { share, sizes, median, sigma in
            let kept = sizes.filter { $0 <= cap }
            guard !kept.isEmpty else { return nil }
            return JobClass(
                share: share, sizes: kept, weights: kept.map { 1 / Double($0).squareRoot() }, medianRuntime: median,
                sigma: sigma)
        }
    }

    /// Mean GPU-seconds of one job, from the class mix and the capped log-normal runtimes.
    public var meanGPUSecondsPerJob: Double {
        let classes = classes()
        let shareSum = classes.reduce(0) { $0 + $1.share }
        return classes.reduce(0) { sum, c in
            let weightSum = c.weights.reduce(0, +)
            let meanSize = zip(c.sizes, c.weights).reduce(0) { $0 + Double($1.0) * $1.1 } / weightSum
            return sum + c.share / shareSum * meanSize * cappedMeanRuntime(c)
        }
    }

    /// Jobs per second that offer `load` on average: load × GPUs / mean GPU-seconds per job.
    public var arrivalRate: Double { load * Double(clusterGPUs) / meanGPUSecondsPerJob }

    /// E[min(X, duration)] for the class's log-normal X.
    private func cappedMeanRuntime(_ c: JobClass) -> Double {
        let mu = log(c.medianRuntime)
        let s = c.sigma
        let capLog = log(Double(duration))
        let phi = { (x: Double) in 0.5 * erfc(-x / 2.0.squareRoot()) }
        return exp(mu + s * s / 2) * phi((capLog - mu - s * s) / s) + Double(duration) * (1 - phi((capLog - mu) / s))
    }

    /// Generates the jobs, sorted by submit time.
    /// - Complexity: O(jobs); about 0.5 s for the ~1M jobs of a 1M-GPU week in release builds.
    public func generate() -> Workload {
        let name = "synthetic(seed \(seed), load \(load))"
        guard clusterGPUs > 0, duration > 0, load > 0 else { return Workload(name: name, jobs: []) }
        var rng = SplitMix64(seed: seed)
        let classes = classes()
        let shares = classes.map(\.share)
        let shareSum = shares.reduce(0, +)
        let sizeWeightSums = classes.map { $0.weights.reduce(0, +) }
        let teamWeightSum = Self.teamWeights.reduce(0, +)
        let target = load * Double(clusterGPUs) * Double(duration)
        let horizon = Double(duration)
        var jobs: [TraceJob] = []
        jobs.reserveCapacity(Int(min(5e7, arrivalRate * horizon * 1.05)))
        var offered = 0.0
        var misses = 0
        while offered < target {
            let k = Self.pickIndex(shares, total: shareSum, &rng)
            let c = classes[k]
            let gpus = c.sizes[Self.pickIndex(c.weights, total: sizeWeightSums[k], &rng)]
            let normal = (-2 * log(1 - rng.nextUnit())).squareRoot() * cos(2 * Double.pi * rng.nextUnit())
            let seconds = min(horizon, max(Self.minimumRuntime, c.medianRuntime * exp(c.sigma * normal)))
            let runtime = Seconds(seconds.rounded(.up))
            let work = Double(gpus) * Double(runtime)
            if offered + work > target {
                // Near the end: drop a job that would overshoot and draw again, a few times, so a last 16k-GPU
                // gang cannot add 10 % to the load.
                misses += 1
                if misses >= 64 || target - offered < 0.001 * target { break }
                continue
            }
            offered += work
            let factor = 1 + 2 * rng.nextUnit()
            let limit = (Seconds((Double(runtime) * factor).rounded(.up)) + 59) / 60 * 60
            let roll = rng.nextUnit()
            let priority: PriorityClass = roll < 0.1 ? .high : (roll < 0.25 ? .low : .normal)
            let team = Self.teams[Self.pickIndex(Self.teamWeights, total: teamWeightSum, &rng)]
            let spec = JobSpec(
                name: "syn-\(jobs.count)", gpus: gpus, timeLimit: limit, team: team, priority: priority)
            jobs.append(TraceJob(spec: spec, runtime: runtime))
        }
        // Arrivals: a Poisson process conditioned on jobs.count arrivals in [0, duration), i.e. sorted uniform
        // times, built from n + 1 exponential gaps scaled to the span.
        var gaps = [Double](repeating: 0, count: jobs.count + 1)
        var total = 0.0
        for i in gaps.indices {
            gaps[i] = -log(1 - rng.nextUnit())
            total += gaps[i]
        }
        var elapsed = 0.0
        for i in jobs.indices {
            elapsed += gaps[i]
            jobs[i].spec.submitTime = min(duration - 1, Seconds(horizon * elapsed / total))
        }
        return Workload(name: name, jobs: jobs)
    }

    /// An index drawn with probability weights[i] / total.
    private static func pickIndex(_ weights: [Double], total: Double, _ rng: inout SplitMix64) -> Int {
        var left = rng.nextUnit() * total
        for (i, w) in weights.enumerated() {
            left -= w
            if left < 0 { return i }
        }
        return weights.count - 1
    }
}
