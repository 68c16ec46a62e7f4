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
        /// Decisions that started a job by preempting others (`runSharing` only).
        public var preemptions: Int? = nil

        /// The figures of one run from each decision's latency in nanoseconds.
        init(gpus: Int, latencies: [UInt64], placed: Int, releases: Int, meanUtilization: Double) {
            let sorted = latencies.sorted()
            let totalNanos = sorted.reduce(0, +)
            func micros(_ q: Double) -> Double {
                sorted.isEmpty ? 0 : Double(sorted[min(sorted.count - 1, Int(q * Double(sorted.count)))]) / 1_000
            }
            self.gpus = gpus
            decisions = sorted.count
            self.placed = placed
            self.releases = releases
            decisionsPerSecond = Double(sorted.count) / (Double(max(1, totalNanos)) / 1e9)
            p50Micros = micros(0.5)
            p99Micros = micros(0.99)
            maxMicros = Double(sorted.last ?? 0) / 1_000
            self.meanUtilization = meanUtilization
        }
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
        return Result(
            gpus: cluster.totalGPUs, latencies: latencies, placed: placed, releases: releases,
            meanUtilization: utilizationSum / Double(max(1, made + releases)))
    }
}

extension PlacementBenchmark {
    /// As `run`, with teams and preemption on: 8 teams guaranteed 80 % of the GPUs between them, jobs of the four
    /// default classes (5 % inference, 15 % production, 60 % research, 20 % best-effort). One decision is the
    /// quota check, the placement and, when the gang does not fit and may preempt, the victim search and the
    /// start on the freed GPUs. Time advances 1 s per decision, so minimum runtimes apply. The cluster is kept
    /// 99.8-99.95 % full, where gangs often do not fit and preemption is tried.
    public func runSharing(on initial: Cluster, seed: UInt64, clock: () -> UInt64) -> Result {
        let teamCount = 8
        let teams = (0..<teamCount).map {
            TeamPolicy(name: "team\($0)", guarantee: initial.totalGPUs * 8 / 10 / teamCount)
        }
        var snapshot = Snapshot(cluster: initial)
        snapshot.sharing = SharingState(policy: SharingPolicy(teams: teams), totalGPUs: initial.totalGPUs)
        var rng = SplitMix64(seed: seed)
        let totalWeight = Self.mix.reduce(0) { $0 + $1.weight }
        let total = Double(initial.totalGPUs)
        let shapes = Self.mix.map { entry in
            (try? JobSpec(gpus: entry.gpus, timeLimit: 1).shape(maxGPUsPerNode: initial.maxGPUsPerNode))
                ?? GangShape(nodes: 1, gpusPerNode: 1)
        }
        let classes: [(rank: Int, weight: Int)] = [(300, 5), (200, 15), (100, 60), (0, 20)]
        var nextID: JobID = 1
        var now: Seconds = 0
        func randomJob() -> PendingJob {
            var pick = Int(rng.next() % UInt64(totalWeight))
            var shape = shapes[0]
            for (i, entry) in Self.mix.enumerated() {
                pick -= entry.weight
                if pick < 0 {
                    shape = shapes[i]
                    break
                }
            }
            var c = Int(rng.next() % 100)
            var rank = 0
            for entry in classes {
                c -= entry.weight
                if c < 0 {
                    rank = entry.rank
                    break
                }
            }
            nextID += 1
            return PendingJob(
                id: nextID, shape: shape, priority: rank, submitTime: now, timeLimit: 3_600,
                team: Int32(rng.next() % UInt64(teamCount)))
        }
        // Running ids, for O(1) random releases.
        var ids: [JobID] = []
        var slot: [JobID: Int] = [:]
        func forget(_ id: JobID) {
            guard let i = slot.removeValue(forKey: id) else { return }
            let last = ids.removeLast()
            if i < ids.count {
                ids[i] = last
                slot[last] = i
            }
        }
        while Double(snapshot.cluster.freeTotal) > total * 0.002 {
            let job = randomJob()
            guard let p = snapshot.cluster.findPlacement(job.shape) else { break }
            let admission = snapshot.sharing!.quotas.admit(Int(job.team), gpus: job.shape.gpus)
            snapshot.start(job, on: p, at: now, borrowed: admission != .guaranteed)
            slot[job.id] = ids.count
            ids.append(job.id)
        }
        var latencies = [UInt64](repeating: 0, count: decisions)
        var placed = 0
        var releases = 0
        var utilizationSum = 0.0
        var made = 0
        var preemptions = 0
        while made < decisions {
            now += 1
            let utilization = 1 - Double(snapshot.cluster.freeTotal) / total
            utilizationSum += utilization
            let release = utilization > 0.9995 || (utilization >= 0.998 && rng.next() % 2 == 0)
            if release && !ids.isEmpty {
                let id = ids[Int(rng.next() % UInt64(ids.count))]
                snapshot.finish(id)
                forget(id)
                releases += 1
                continue
            }
            let job = randomJob()
            let t0 = clock()
            let admission = Scheduler.admit(job, in: snapshot)
            var started = false
            var refused = false
            if case .refused = admission { refused = true }
            if !refused, let p = snapshot.cluster.findPlacement(job.shape) {
                snapshot.start(job, on: p, at: now, borrowed: admission == .borrowing)
                started = true
            } else if let freed = snapshot.preemptFor(job, admission: admission, now: now) {
                snapshot.start(job, on: freed.placement, at: now, borrowed: freed.borrowed)
                for victim in freed.victims { forget(victim.id) }
                started = true
                preemptions += 1
            }
            let t1 = clock()
            if started {
                slot[job.id] = ids.count
                ids.append(job.id)
                placed += 1
            }
            latencies[made] = t1 - t0
            made += 1
        }
        var result = Result(
            gpus: initial.totalGPUs, latencies: latencies, placed: placed, releases: releases,
            meanUtilization: utilizationSum / Double(max(1, made + releases)))
        result.preemptions = preemptions
        return result
    }
}
