import MusterCore

/// Measures gang placement on a cluster kept between 50 % and 90 % full by a mixed workload: one decision is
/// finding a placement for a gang and taking its GPUs (or finding that it cannot start now).
public struct PlacementBenchmark: Sendable {
    /// What one run measured.
    public struct Result: Sendable, Codable, Hashable {
        public var gpus: Int
        public var decisions: Int
        public var placed: Int
        public var releases: Int
        public var decisionsPerSecond: Double
        public var p50Micros: Double
        public var p99Micros: Double
        public var maxMicros: Double
        public var meanUtilization: Double
    }

    /// Gang sizes in GPUs and their weights: mostly small jobs, a tail of large multi-node gangs.
    public static let mix: [(gpus: Int, weight: Int)] = [
        (1, 40), (2, 10), (4, 10), (8, 15), (16, 8), (32, 6), (64, 5), (128, 3), (256, 2), (512, 1), (1024, 1),
    ]

    public var decisions: Int

    public init(decisions: Int = 200_000) {
        self.decisions = decisions
    }

    /// Runs the benchmark. `clock` returns monotonic nanoseconds (injected: the core has no clock).
    public func run(
        on initial: Cluster, seed: UInt64, clock: () -> UInt64
    ) -> Result {
        var cluster = initial
        var rng = SplitMix64(seed: seed)
        let totalWeight = Self.mix.reduce(0) { $0 + $1.weight }
        let total = Double(cluster.totalGPUs)
        let shapes = Self.mix.map { entry in
            (try? JobSpec(gpus: entry.gpus, timeLimit: 1).shape(maxGPUsPerNode: cluster.maxGPUsPerNode))
                ?? GangShape(nodes: 1, gpusPerNode: 1)
        }
        func randomShape() -> GangShape {
            var pick = Int(rng.next() % UInt64(totalWeight))
            for (i, entry) in Self.mix.enumerated() {
                pick -= entry.weight
                if pick < 0 { return shapes[i] }
            }
            return shapes[0]
        }
        var running: [Placement] = []
        // Warm up to 70 % full.
        while Double(cluster.freeTotal) > total * 0.3 {
            guard let p = cluster.findPlacement(randomShape()) else { break }
            cluster.allocate(p)
            running.append(p)
        }
        var latencies = [UInt64](repeating: 0, count: decisions)
        var placed = 0
        var releases = 0
        var utilizationSum = 0.0
        var made = 0
        while made < decisions {
            let utilization = 1 - Double(cluster.freeTotal) / total
            utilizationSum += utilization
            let release = utilization > 0.9 || (utilization >= 0.5 && rng.next() % 2 == 0)
            if release && !running.isEmpty {
                let i = Int(rng.next() % UInt64(running.count))
                cluster.release(running[i])
                running.swapAt(i, running.count - 1)
                running.removeLast()
                releases += 1
                continue
            }
            let shape = randomShape()
            let t0 = clock()
            let placement = cluster.findPlacement(shape)
            if let placement { cluster.allocate(placement) }
            let t1 = clock()
            if let placement {
                running.append(placement)
                placed += 1
            }
            latencies[made] = t1 - t0
            made += 1
        }
        let totalNanos = latencies.reduce(0, +)
        latencies.sort()
        func micros(_ q: Double) -> Double {
            Double(latencies[min(latencies.count - 1, Int(q * Double(latencies.count)))]) / 1_000
        }
        return Result(
            gpus: cluster.totalGPUs, decisions: decisions, placed: placed, releases: releases,
            decisionsPerSecond: Double(decisions) / (Double(max(1, totalNanos)) / 1e9),
            p50Micros: micros(0.5), p99Micros: micros(0.99), maxMicros: Double(latencies.last ?? 0) / 1_000,
            meanUtilization: utilizationSum / Double(max(1, made + releases)))
    }
}
