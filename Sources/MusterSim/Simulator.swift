import Foundation
import MusterCore

/// Replays a workload on a cluster through the production `Lifecycle` (and so the production `Scheduler`), on a
/// virtual clock.
///
/// Discrete events: arrivals (from the workload, `Lifecycle.submit`) and completions (start + runtime, cut at the
/// time limit, `Lifecycle.attemptExited`). After all events of one instant are applied, each partition they
/// touched plans once (`Lifecycle.plan`), and its `assign` directives become completion events. A cluster of several partitions (Philly's virtual clusters) keeps one
/// snapshot and queue per partition; a job goes to the partition it names, or to the first (the default).
public struct Simulator: Sendable {
    /// The cluster's partitions; the first is the default. One partition: the whole cluster is one queue.
    public let partitions: [ClusterPartition]
    public let clusterName: String
    public let workload: Workload
    public let policy: SchedulingPolicy
    public let seed: UInt64?
    /// Check the cluster invariants during the run (every event on small clusters, periodically on large ones).
    public var checkInvariants: Bool
    /// Width of chart buckets; by default the workload's span over about 400 buckets.
    public var bucketSeconds: Seconds?
    /// Teams, quotas, classes and preemption (`muster sim --config`); nil: one queue per partition as before.
    /// A preempted job loses the work since its last checkpoint (every `checkpointInterval`) and pays
    /// `restartOverhead` when it starts again.
    public var sharing: SharingPolicy?
    /// Failures to inject (`muster sim --failures`); nil: none. An interrupted job restarts, losing the work since
    /// its last checkpoint (`checkpointInterval`) and paying `restartOverhead`.
    public var failures: FailureModel?
    /// Seconds between a running job's checkpoints, and a restart's cost, for failures; nil: the sharing
    /// config's, else 30 min and 2 min (`SharingPolicy`'s defaults).
    public var checkpointInterval: Seconds?
    public var restartOverhead: Seconds?
    /// Hot spares per leaf block (`muster sim --spares`); nil: the sharing config's, else none.
    public var spares: SparePolicy?
    /// Stop this many seconds after the first submit (jobs running then are unfinished; a large job's ETTR counts
    /// its work up to then); nil: run until every job has ended.
    public var horizon: Seconds?

    /// A simulator for one cluster scheduled as a whole; jobs' partitions are ignored.
    public init(
        cluster: Cluster, clusterName: String, workload: Workload, policy: SchedulingPolicy, seed: UInt64? = nil,
        checkInvariants: Bool = false
    ) {
        self.init(
            partitions: [ClusterPartition(name: "all", cluster: cluster)], clusterName: clusterName,
            workload: workload, policy: policy, seed: seed, checkInvariants: checkInvariants)
    }

    /// A simulator for a cluster split into partitions (at least one; the first is the default).
    public init(
        partitions: [ClusterPartition], clusterName: String, workload: Workload, policy: SchedulingPolicy,
        seed: UInt64? = nil, checkInvariants: Bool = false
    ) {
        precondition(!partitions.isEmpty, "a simulated cluster needs at least one partition")
        self.partitions = partitions
        self.clusterName = clusterName
        self.workload = workload
        self.policy = policy
        self.seed = seed
        self.checkInvariants = checkInvariants
    }

    /// Runs the replay to the end. `progress` is called now and then with (jobs finished, jobs total).
    public func run(progress: ((Int, Int) -> Void)? = nil) throws(SimulationError) -> SimulationReport {
        try replay(progress: progress).report
    }

    /// Runs the replay to the end; also says when each job started and ended.
    public func replay(progress: ((Int, Int) -> Void)? = nil) throws(SimulationError) -> (
        report: SimulationReport, outcomes: JobOutcomes
    ) {
        let jobs = workload.jobs
        let n = jobs.count
        let order = jobs.indices.sorted { a, b in
            jobs[a].spec.submitTime != jobs[b].spec.submitTime
                ? jobs[a].spec.submitTime < jobs[b].spec.submitTime : a < b
        }
        // One lifecycle per partition, the same instance the live controller runs: it owns every job's state,
        // attempts and GPUs; the simulator only turns its `assign` directives into completion events.
        let config = LifecycleConfig(
            policy: policy, retainEnded: false, explainWaits: false, sharing: sharing, spares: spares)
        var lifecycles = partitions.map { Lifecycle(cluster: $0.cluster, config: config) }
        let defaults = SharingPolicy()
        let checkpointEvery =
            checkpointInterval ?? sharing.map { Seconds(max(0, $0.checkpointInterval)) }
            ?? (failures != nil ? Seconds(defaults.checkpointInterval) : 0)
        let restartOverhead =
            self.restartOverhead ?? sharing.map { Seconds(max(0, $0.restartOverhead)) }
            ?? (failures != nil ? Seconds(defaults.restartOverhead) : 0)
        if sharing != nil { for p in lifecycles.indices { lifecycles[p].assumeCheckpoints(every: checkpointEvery) } }
        // Each job's partition: the one it names, else the default.
        var lane = [Int32](repeating: 0, count: n)
        var unknownPartition = 0
        if partitions.count > 1 {
            var index: [String: Int32] = [:]
            for (i, partition) in partitions.enumerated() { index[partition.name] = Int32(i) }
            for job in 0..<n {
                guard let name = jobs[job].partition else { continue }
                if let i = index[name] { lane[job] = i } else { unknownPartition += 1 }
            }
        }
        var touched = [Bool](repeating: false, count: partitions.count)
        let nodeCount = partitions.reduce(0) { $0 + $1.cluster.nodeCount }
        let totalGPUCount = partitions.reduce(0) { $0 + $1.cluster.totalGPUs }
        let totalGPUs = Double(totalGPUCount)
        let firstSubmit = order.first.map { jobs[$0].spec.submitTime } ?? 0
        let lastSubmit = order.last.map { jobs[$0].spec.submitTime } ?? 0
        let width = bucketSeconds ?? max(60, (lastSubmit - firstSubmit) / 400 + 1)
        var utilization = TimeSeries(start: firstSubmit, width: width)
        var queueLength = TimeSeries(start: firstSubmit, width: width)

        var startTime = [Seconds](repeating: -1, count: n)
        var endTime = [Seconds](repeating: -1, count: n)
        // Preemption: each job's work still to do, its current attempt's start, epoch and restart overhead.
        var remaining = jobs.map(\.runtime)
        var attemptStart = [Seconds](repeating: 0, count: n)
        var attemptOverhead = [Seconds](repeating: 0, count: n)
        var currentEpoch = [Int32](repeating: 0, count: n)
        var preemptions = 0
        var lostGPUSeconds = 0.0
        // Failures: the next one, repairs due, and what they cost.
        var failureRNG = SplitMix64(seed: (seed ?? 0) ^ 0xFA11_0000_0000_0001)
        let failuresPerSecond = (failures?.perGPUHour ?? 0) * totalGPUs / 3_600
        func nextFailureGap() -> Seconds {
            Seconds(max(1, (-log(1 - failureRNG.nextUnit()) / failuresPerSecond).rounded()))
        }
        var nextFailure: Seconds = failuresPerSecond > 0 ? firstSubmit + nextFailureGap() : .max
        var repairs: [(time: Seconds, partition: Int, node: Int32)] = []
        var nodeFailures = 0
        var interruptions = [Int32](repeating: 0, count: n)
        var failureLostGPUSeconds = 0.0
        var guarantees = GuaranteeTally(
            jobs: jobs, lane: lane, partitions: partitions, quotas: lifecycles[0].snapshot?.sharing?.quotas)
        var timedOut = 0
        var rejected = 0
        var finished = 0
        var busy = 0
        var queued = 0
        var completions = CompletionQueue()
        var next = 0
        var checks = 0
        var events = 0
        var topology = TopologyTally(clusters: partitions.map(\.cluster))
        var fragmentation = FragmentationTally(totalGPUs: totalGPUCount)
        let checkEvery = nodeCount <= 5_000 ? 1 : 1_000
        var stoppedAt: Seconds?
        let progressEvery = max(1, n / 200)

        while next < n || !completions.isEmpty || (queued > 0 && !repairs.isEmpty) {
            let arrival = next < n ? jobs[order[next]].spec.submitTime : Seconds.max
            let repairDue = repairs.lazy.map(\.time).min() ?? .max
            let now = min(arrival, completions.nextTime ?? Seconds.max, nextFailure, repairDue)
            if let horizon, now > firstSubmit + horizon {
                stoppedAt = firstSubmit + horizon
                break
            }
            let clock = Double(now)
            utilization.advance(to: now)
            queueLength.advance(to: now)
            while let t = completions.nextTime, t == now {
                let (_, id, epoch) = completions.pop()
                let job = Int(id)
                // A preempted attempt's completion is stale.
                guard epoch == currentEpoch[job] else { continue }
                let p = Int(lane[job])
                let overran = attemptOverhead[job] + remaining[job] > jobs[job].spec.timeLimit
                let directives = lifecycles[p].attemptExited(
                    JobID(job), epoch: Int(epoch), exitCode: overran ? Self.timeLimitExitCode : 0,
                    reason: overran ? Self.timeLimitReason : nil, now: clock)
                if directives.contains(.wake) { touched[p] = true }
                endTime[job] = now
                busy -= jobs[job].spec.gpus
                finished += 1
                if overran { timedOut += 1 }
                if finished % progressEvery == 0 { progress?(finished + rejected, n) }
            }
            while next < n && jobs[order[next]].spec.submitTime == now {
                let index = order[next]
                let p = Int(lane[index])
                next += 1
                do {
                    _ = try lifecycles[p].submit(
                        jobs[index].spec, id: JobID(index),
                        replica: jobs[index].service.map { ReplicaRef(service: $0, index: index) }, now: clock)
                    touched[p] = true
                    queued += 1
                    guarantees.queued(index)
                } catch {
                    rejected += 1
                }
            }
            while now == nextFailure, let model = failures {
                // A GPU of the cluster, uniformly: its partition and node (nodes in index order).
                var g = Int(failureRNG.nextUnit() * totalGPUs)
                var p = 0
                while p < partitions.count - 1 && g >= partitions[p].cluster.totalGPUs {
                    g -= partitions[p].cluster.totalGPUs
                    p += 1
                }
                let cluster = partitions[p].cluster
                var node: Int32 = 0
                while Int(node) < cluster.nodeCount - 1 && g >= Int(cluster.nodeGPUs[Int(node)]) {
                    g -= Int(cluster.nodeGPUs[Int(node)])
                    node += 1
                }
                let component = model.component(failureRNG.nextUnit())
                let wasDown = lifecycles[p].isNodeDown(node)
                let hit = lifecycles[p].nodeFailed(
                    node, reason: component.name, down: component.repairHours > 0, now: clock)
                nodeFailures += 1
                if component.repairHours > 0 && !wasDown {
                    repairs.append((now + Seconds((component.repairHours * 3_600).rounded()), p, node))
                }
                for id in hit {
                    // The interrupted attempt keeps the work up to its last checkpoint.
                    let job = Int(id)
                    let elapsed = now - attemptStart[job]
                    let progress = max(0, elapsed - attemptOverhead[job])
                    let kept = checkpointEvery > 0 ? progress / checkpointEvery * checkpointEvery : 0
                    remaining[job] = max(0, remaining[job] - kept)
                    failureLostGPUSeconds += Double(elapsed - kept) * Double(jobs[job].spec.gpus)
                    interruptions[job] += 1
                    busy -= jobs[job].spec.gpus
                    queued += 1
                    currentEpoch[job] = -1
                    guarantees.queued(job)
                }
                touched[p] = true
                nextFailure = now + nextFailureGap()
            }
            while let i = repairs.firstIndex(where: { $0.time == now }) {
                let repair = repairs.remove(at: i)
                lifecycles[repair.partition].nodeRepaired(repair.node)
                touched[repair.partition] = true
            }
            for p in lifecycles.indices where touched[p] {
                touched[p] = false
                let directives = lifecycles[p].plan(now: clock)
                for id in lifecycles[p].preemptedInLastPass {
                    // The victim stopped at once: it keeps the work up to its last checkpoint.
                    let job = Int(id)
                    let elapsed = now - attemptStart[job]
                    let progress = max(0, elapsed - attemptOverhead[job])
                    // Without a sharing config (srtf, las) a preempted job is suspended and resumes where it stopped;
                    // with one, it keeps what its last checkpoint saved.
                    let kept =
                        sharing == nil
                        ? progress : checkpointEvery > 0 ? progress / checkpointEvery * checkpointEvery : 0
                    remaining[job] = max(0, remaining[job] - kept)
                    lostGPUSeconds += Double(elapsed - kept) * Double(jobs[job].spec.gpus)
                    preemptions += 1
                    busy -= jobs[job].spec.gpus
                    queued += 1
                    currentEpoch[job] = -1
                    guarantees.queued(job)
                    touched[p] = true
                }
                for directive in directives {
                    guard case .assign(let id, let epoch) = directive else { continue }
                    let job = Int(id)
                    let restart = startTime[job] >= 0
                    if !restart { startTime[job] = now }
                    busy += jobs[job].spec.gpus
                    queued -= 1
                    guarantees.started(job)
                    attemptStart[job] = now
                    attemptOverhead[job] = restart ? restartOverhead : 0
                    currentEpoch[job] = Int32(epoch)
                    let runFor = max(1, min(attemptOverhead[job] + remaining[job], jobs[job].spec.timeLimit))
                    completions.push(time: now + runFor, job: Int32(job), epoch: Int32(epoch))
                    if let placement = lifecycles[p].placement(of: id) {
                        topology.record(placement, partition: p)
                    }
                }
            }
            guarantees.observe(now: now, lifecycles: lifecycles)
            utilization.record(Double(busy) / totalGPUs, at: now)
            queueLength.record(Double(queued), at: now)
            let bucket = Int((now - firstSubmit) / width)
            if fragmentation.wantsSample(bucket: bucket, queued: queued) {
                fragmentation.sample(lifecycles.compactMap(\.snapshot), bucket: bucket)
            }
            events += 1
            if checkInvariants && (events % checkEvery == 0 || (next >= n && completions.isEmpty)) {
                checks += 1
                for (p, lifecycle) in lifecycles.enumerated() {
                    guard let snapshot = lifecycle.snapshot else { continue }
                    let problems = snapshot.cluster.invariantViolations(running: snapshot.running.sortedByID)
                    if !problems.isEmpty {
                        let prefix = partitions.count > 1 ? "partition \(partitions[p].name): " : ""
                        throw .invariantViolated(at: now, problems.map { prefix + $0.description })
                    }
                }
            }
        }
        let passes = lifecycles.reduce(0) { $0 + $1.planningPasses }
        let reservations = lifecycles.reduce(0) { $0 + $1.reservationsMade }
        let skipped = lifecycles.reduce(0) { $0 + ($1.snapshot?.backfillSkipped ?? 0) }
        progress?(n, n)

        let end = stoppedAt ?? endTime.max() ?? firstSubmit
        var waits: [Double] = []
        var jcts: [Double] = []
        var slowdowns: [Double] = []
        waits.reserveCapacity(n)
        for job in 0..<n where startTime[job] >= 0 {
            let submit = jobs[job].spec.submitTime
            waits.append(Double(startTime[job] - submit))
            // Jobs still running at the horizon have waited, but have no completion time yet.
            guard endTime[job] >= 0 else { continue }
            let jct = Double(endTime[job] - submit)
            jcts.append(jct)
            // Bounded slowdown: max(1, JCT / max(run, 10 s)), so jobs of a few seconds don't dominate the mean.
            let ran = endTime[job] - startTime[job]
            slowdowns.append(max(1, jct / Double(max(ran, 10))))
        }
        jcts.sort()
        var cdf: [[Double]] = []
        let step = max(1, jcts.count / 200)
        for i in stride(from: 0, to: jcts.count, by: step) {
            cdf.append([jcts[i], Double(i + 1) / Double(jcts.count)])
        }
        if let last = jcts.last { cdf.append([last, 1.0]) }
        let report = SimulationReport(
            workload: workload.name,
            cluster: .init(
                name: clusterName, nodes: nodeCount, gpus: totalGPUCount, levels: partitions[0].cluster.levelNames,
                partitions: partitions.count > 1 ? partitions.map(\.name) : nil),
            policy: policy.rawValue,
            seed: seed,
            jobs: .init(
                submitted: n, completed: finished - timedOut, timedOut: timedOut, rejected: rejected,
                unfinished: n - finished - rejected, unknownPartition: unknownPartition),
            waitSeconds: Distribution(waits),
            jctSeconds: Distribution(sorted: jcts),
            boundedSlowdown: Distribution(slowdowns),
            makespanSeconds: end - firstSubmit,
            gpuUtilization: rounded(utilization.mean(until: end)),
            fragmentation: fragmentation.summary,
            topology: topology.summary,
            planningPasses: passes,
            reservations: reservations,
            backfillSkipped: skipped > 0 ? skipped : nil,
            invariantChecks: checks,
            series: .init(
                bucketSeconds: width,
                utilization: utilization.averages(until: end).map(rounded),
                queueLength: queueLength.averages(until: end).map(rounded),
                jctCDF: cdf),
            sharing: guarantees.tracked || preemptions > 0
                ? .init(
                    preemptions: preemptions, lostGPUHours: rounded(lostGPUSeconds / 3600),
                    guaranteeViolationJobHours: guarantees.tracked
                        ? rounded(guarantees.violationJobSeconds / 3600) : nil) : nil)
        var withPower = report
        if failures != nil {
            let large = (0..<n).filter {
                jobs[$0].spec.gpus >= 1_024 && startTime[$0] >= 0 && (endTime[$0] > startTime[$0] || stoppedAt != nil)
            }
            .sorted { jobs[$0].spec.gpus != jobs[$1].spec.gpus ? jobs[$0].spec.gpus > jobs[$1].spec.gpus : $0 < $1 }
            .prefix(20)
            let days = Double(max(1, end - firstSubmit)) / 86_400
            withPower.failures = .init(
                nodeFailures: nodeFailures, perDay: rounded(Double(nodeFailures) / days),
                jobInterruptions: Int(interruptions.reduce(0) { $0 + Int($1) }),
                lostGPUHours: rounded(failureLostGPUSeconds / 3_600),
                largeJobs: large.map { job in
                    var ran = min(jobs[job].runtime, jobs[job].spec.timeLimit)
                    var until = endTime[job]
                    if until < 0 {
                        // Still running at the horizon: the work kept so far, plus the current attempt's.
                        until = end
                        ran = jobs[job].runtime - remaining[job]
                        if currentEpoch[job] >= 0 { ran += max(0, end - attemptStart[job] - attemptOverhead[job]) }
                    }
                    return .init(
                        job: job, gpus: jobs[job].spec.gpus, interruptions: Int(interruptions[job]),
                        ettr: rounded(Double(max(0, ran)) / Double(max(1, until - startTime[job]))))
                },
                spares: lifecycles.reduce(0) { $0 + ($1.snapshot?.spares?.total ?? 0) },
                restartsOnSpares: lifecycles.reduce(0) { $0 + ($1.snapshot?.spares?.restarts ?? 0) })
        }
        withPower.power = Self.power(
            model: Self.powerModel(partitions.map(\.cluster)), gpus: totalGPUCount,
            utilization: report.series.utilization, bucketSeconds: width, makespan: end - firstSubmit)
        return (withPower, JobOutcomes(start: startTime, end: endTime))
    }

    /// The power model of a cluster: the preset of its (most common) GPU model when there is one (`h100`,
    /// `gb200`), else one built from the GPU model's idle and maximum watts, typical at 85 % of the maximum and no
    /// other node parts.
    static func powerModel(_ clusters: [Cluster]) -> PowerModel {
        var gpusByModel: [String: (GPUModel, Int)] = [:]
        for cluster in clusters {
            for node in 0..<cluster.nodeCount {
                let model = cluster.gpuModels[Int(cluster.nodeModel[node])]
                gpusByModel[model.name, default: (model, 0)].1 += Int(cluster.nodeGPUs[node])
            }
        }
        let (model, _) =
            gpusByModel.values.max { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0.name > $1.0.name }
            ?? (GPUModel.h100, 0)
        let name = model.name.lowercased()
        if name.contains("h100") { return .h100 }
        if name.contains("gb200") { return .gb200 }
        let maxGPUs = clusters.map(\.maxGPUsPerNode).max() ?? 8
        return PowerModel(
            name: "\(model.name) (GPUs only)", gpuIdleWatts: Double(model.idleWatts),
            gpuTypicalWatts: 0.85 * Double(model.maxWatts), gpuMaxWatts: Double(model.maxWatts),
            gpusPerNode: maxGPUs, nodeOtherWatts: 0, pue: 1.2)
    }

    /// Facility power per bucket from the busy share of the GPUs in each.
    static func power(
        model: PowerModel, gpus: Int, utilization: [Double], bucketSeconds: Int64, makespan: Int64
    ) -> SimulationReport.Power? {
        guard gpus > 0, !utilization.isEmpty else { return nil }
        let mw = utilization.map { u in
            (model.itWatts(gpus: gpus, busy: Int((u * Double(gpus)).rounded())) * model.pue / 1e4).rounded() / 100
        }
        let mean = mw.reduce(0, +) / Double(mw.count)
        let energy = mean * Double(max(0, makespan)) / 3_600
        return .init(
            model: model.name, pue: model.pue, meanMW: (mean * 100).rounded() / 100, peakMW: mw.max() ?? 0,
            lowMW: mw.min() ?? 0, energyMWh: energy.rounded(), facilityMW: mw)
    }
}

extension Simulator {
    /// What a rank stopped at its time limit exits with: 128 + SIGTERM, as the agent reports it.
    static let timeLimitExitCode: Int32 = 143
    static let timeLimitReason = "time limit reached"
}

/// Rounds to 6 significant decimals so reports stay readable (and stable).
func rounded(_ x: Double) -> Double { (x * 1_000_000).rounded() / 1_000_000 }

/// Counts how multi-node gangs were laid over the lowest topology level of their partition.
struct TopologyTally {
    /// Per partition: the lowest block of each node, and the most nodes one lowest block holds.
    private let nodeBlock: [[Int32]]
    private let leafNodes: [Int]
    private var jobs = 0
    private var spanned = 0
    private var minimal = 0
    private var fitsOneLeaf = 0
    private var inOneLeaf = 0

    init(clusters: [Cluster]) {
        nodeBlock = clusters.map(\.nodeBlock)
        leafNodes = clusters.map { cluster in
            cluster.levelBlocks[0].map { Int(cluster.blockNodeEnd[$0] - cluster.blockNodeStart[$0]) }.max() ?? 1
        }
    }

    mutating func record(_ placement: Placement, partition: Int) {
        guard placement.nodes.count > 1 else { return }
        jobs += 1
        var blocks = placement.nodes.map { nodeBlock[partition][Int($0)] }
        blocks.sort()
        var distinct = 1
        for i in 1..<blocks.count where blocks[i] != blocks[i - 1] { distinct += 1 }
        spanned += distinct
        let leafNodes = leafNodes[partition]
        minimal += (placement.nodes.count + leafNodes - 1) / leafNodes
        if placement.nodes.count <= leafNodes {
            fitsOneLeaf += 1
            if distinct == 1 { inOneLeaf += 1 }
        }
    }

    var summary: SimulationReport.Topology {
        .init(
            multiNodeJobs: jobs,
            meanLeafBlocksSpanned: jobs == 0 ? 0 : rounded(Double(spanned) / Double(jobs)),
            meanMinimalLeafBlocks: jobs == 0 ? 0 : rounded(Double(minimal) / Double(jobs)),
            shareInOneLeafWhenItFits: fitsOneLeaf == 0 ? 1 : rounded(Double(inOneLeaf) / Double(fitsOneLeaf)))
    }
}

/// Samples stranded GPUs once per chart bucket while jobs are queued.
struct FragmentationTally {
    let totalGPUs: Int
    private var lastBucket = -1
    private var samples = 0
    private var stranded = 0

    init(totalGPUs: Int) {
        self.totalGPUs = totalGPUs
    }

    /// True once per chart bucket while jobs are queued.
    func wantsSample(bucket: Int, queued: Int) -> Bool { bucket != lastBucket && queued > 0 }

    /// Counts, in every partition with a queue, the free GPUs on nodes with fewer free than any of its pending
    /// jobs needs per node.
    mutating func sample(_ snapshots: [Snapshot], bucket: Int) {
        lastBucket = bucket
        var count = 0
        for snapshot in snapshots where !snapshot.pending.isEmpty {
            let cluster = snapshot.cluster
            let smallest = snapshot.pending.reduce(Int.max) { min($0, $1.shape.gpusPerNode) }
            guard smallest > 1 else { continue }
            for f in 1..<min(smallest, cluster.maxGPUsPerNode + 1) {
                let exactly =
                    cluster.nodesWithFree(atLeast: f, in: cluster.root)
                    - (f < cluster.maxGPUsPerNode ? cluster.nodesWithFree(atLeast: f + 1, in: cluster.root) : 0)
                count += f * exactly
            }
        }
        samples += 1
        stranded += count
    }

    var summary: SimulationReport.Fragmentation {
        let mean = samples == 0 ? 0 : Double(stranded) / Double(samples)
        return .init(
            samples: samples, meanStrandedGPUs: rounded(mean),
            meanStrandedShare: rounded(mean / Double(max(1, totalGPUs))))
    }
}
