import Foundation
import MusterCore

/// A seeded synthetic workload sized to a cluster: a week (by default) of Poisson arrivals at a target load, with
/// the heavy-tailed mix of Philly and Acme: mostly 1-GPU jobs, a few multi-node gangs up to 16,384 GPUs.
///
/// The same seed always gives the same jobs, on any machine.
public struct SyntheticWorkload: Sendable {
    /// One class of jobs: its share of arrivals, GPU sizes and median runtime.
    struct JobClass {
        var share: Double
        var sizes: [Int]
        var medianRuntime: Double
        var sigma: Double
    }

    public var clusterGPUs: Int
    public var seed: UInt64
    /// Span of arrivals, seconds.
    public var duration: Seconds
    /// Offered GPU-seconds as a share of the cluster's GPU-seconds over `duration`.
    public var load: Double

    public init(clusterGPUs: Int, seed: UInt64, duration: Seconds = 7 * 86_400, load: Double = 0.8) {
        self.clusterGPUs = clusterGPUs
        self.seed = seed
        self.duration = duration
        self.load = load
    }

    static let teams = ["llm", "vision", "speech", "rec", "rl", "infra", "research", "safety"]

    /// The job classes, dropping gang sizes above a quarter of the cluster.
    func classes() -> [JobClass] {
        let cap = max(1, clusterGPUs / 4)
        let all = [
            JobClass(share: 0.85, sizes: [1], medianRuntime: 1_200, sigma: 1.6),
            JobClass(share: 0.07, sizes: [2, 4], medianRuntime: 2_400, sigma: 1.5),
            JobClass(share: 0.05, sizes: [8], medianRuntime: 3_600, sigma: 1.5),
            JobClass(share: 0.025, sizes: [16, 32, 64, 128], medianRuntime: 4 * 3_600, sigma: 1.2),
            JobClass(
                share: 0.005, sizes: [256, 512, 1_024, 2_048, 4_096, 8_192, 16_384], medianRuntime: 12 * 3_600,
                sigma: 0.8),
        ]
        return all.compactMap { c in
            let sizes = c.sizes.filter { $0 <= cap }
            return sizes.isEmpty
                ? nil
                : JobClass(
                    share: c.share, sizes: sizes, medianRuntime: c.medianRuntime,
                    sigma: c.sigma)
        }
    }

    /// Generates the jobs, sorted by submit time.
    public func generate() -> Workload {
        var rng = SplitMix64(seed: seed)
        let classes = classes()
        let shareSum = classes.reduce(0) { $0 + $1.share }
        // Mean GPU-seconds per job, to solve the arrival rate for the target load.
        var meanGPUSeconds = 0.0
        for c in classes {
            let meanSize = Double(c.sizes.reduce(0, +)) / Double(c.sizes.count)
            let meanRuntime = min(c.medianRuntime * exp(c.sigma * c.sigma / 2), Double(duration))
            meanGPUSeconds += c.share / shareSum * meanSize * meanRuntime
        }
        let rate = load * Double(clusterGPUs) / meanGPUSeconds
        var jobs: [TraceJob] = []
        jobs.reserveCapacity(Int(rate * Double(duration) * 1.05))
        var t = 0.0
        var index = 0
        while true {
            t += -log(1 - rng.nextUnit()) / rate
            let submit = Seconds(t)
            if submit >= duration { break }
            var pick = rng.nextUnit() * shareSum
            var chosen = classes[classes.count - 1]
            for c in classes {
                pick -= c.share
                if pick < 0 {
                    chosen = c
                    break
                }
            }
            let gpus = chosen.sizes[Int(rng.next() % UInt64(chosen.sizes.count))]
            let normal = sqrt(-2 * log(1 - rng.nextUnit())) * cos(2 * Double.pi * rng.nextUnit())
            let runtime = Seconds(min(Double(duration), max(30, chosen.medianRuntime * exp(chosen.sigma * normal))))
            let factor = 1 + 2 * rng.nextUnit()
            let limit = ((Seconds(Double(runtime) * factor) + 59) / 60) * 60
            let roll = rng.nextUnit()
            let priority: PriorityClass = roll < 0.1 ? .high : (roll < 0.25 ? .low : .normal)
            let team = Self.teams[Int(rng.next() % UInt64(Self.teams.count))]
            jobs.append(
                TraceJob(
                    spec: JobSpec(
                        name: "syn-\(index)", gpus: gpus, timeLimit: limit, team: team, priority: priority,
                        submitTime: submit),
                    runtime: runtime))
            index += 1
        }
        return Workload(name: "synthetic(seed \(seed), load \(load))", jobs: jobs)
    }
}
