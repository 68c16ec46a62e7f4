import MusterCore

/// Replays a workload on a cluster through the production `Scheduler`, on a virtual clock.
///
/// Discrete events: arrivals (from the workload) and completions (start + runtime, cut at the time limit). After
/// all events of one instant are applied, the scheduler plans once, and its starts become completion events.
public struct Simulator: Sendable {
    public let cluster: Cluster
    public let clusterName: String
    public let workload: Workload
    public let policy: SchedulingPolicy
    public let seed: UInt64?
    /// Check the cluster invariants during the run (every event on small clusters, periodically on large ones).
    public var checkInvariants: Bool
    /// Width of chart buckets; by default the workload's span over about 400 buckets.
    public var bucketSeconds: Seconds?

    public init(
        cluster: Cluster, clusterName: String, workload: Workload, policy: SchedulingPolicy, seed: UInt64? = nil,
        checkInvariants: Bool = false
    ) {
        self.cluster = cluster
        self.clusterName = clusterName
        self.workload = workload
        self.policy = policy
        self.seed = seed
        self.checkInvariants = checkInvariants
    }

    /// Runs the replay to the end. `progress` is called now and then with (jobs finished, jobs total).
    public func run(progress: ((Int, Int) -> Void)? = nil) throws(SimulationError) -> SimulationReport {
        let jobs = workload.jobs
        let n = jobs.count
        let order = jobs.indices.sorted { a, b in
            jobs[a].spec.submitTime != jobs[b].spec.submitTime
                ? jobs[a].spec.submitTime < jobs[b].spec.submitTime : a < b
        }
        let scheduler = Scheduler(policy: policy)
        var snapshot = Snapshot(cluster: cluster)
        let totalGPUs = Double(cluster.totalGPUs)
        let firstSubmit = order.first.map { jobs[$0].spec.submitTime } ?? 0
        let lastSubmit = order.last.map { jobs[$0].spec.submitTime } ?? 0
        let width = bucketSeconds ?? max(60, (lastSubmit - firstSubmit) / 400 + 1)
        var utilization = TimeSeries(start: firstSubmit, width: width)
        var queueLength = TimeSeries(start: firstSubmit, width: width)

        var startTime = [Seconds](repeating: -1, count: n)
        var endTime = [Seconds](repeating: -1, count: n)
        var timedOut = 0
        var rejected = 0
        var finished = 0
        var busy = 0
        var completions = CompletionQueue()
        var next = 0
        var passes = 0
        var reservations = 0
        var checks = 0
        var events = 0
        var topology = TopologyTally(cluster: cluster)
        var fragmentation = FragmentationTally(totalGPUs: cluster.totalGPUs)
        let checkEvery = cluster.nodeCount <= 5_000 ? 1 : 1_000
        let progressEvery = max(1, n / 200)

        while next < n || !completions.isEmpty {
            let arrival = next < n ? jobs[order[next]].spec.submitTime : Seconds.max
            let now = min(arrival, completions.nextTime ?? Seconds.max)
            utilization.advance(to: now)
            queueLength.advance(to: now)
            while let t = completions.nextTime, t == now {
                let job = Int(completions.pop().job)
                snapshot.finish(JobID(job))
                endTime[job] = now
                busy -= jobs[job].spec.gpus
                finished += 1
                if jobs[job].runtime > jobs[job].spec.timeLimit { timedOut += 1 }
                if finished % progressEvery == 0 { progress?(finished + rejected, n) }
            }
            while next < n && jobs[order[next]].spec.submitTime == now {
                let index = order[next]
                next += 1
                do {
                    let pending = try PendingJob(id: JobID(index), spec: jobs[index].spec, on: snapshot.cluster)
                    snapshot.pending.append(pending)
                } catch {
                    rejected += 1
                }
            }
            if !snapshot.pending.isEmpty {
                passes += 1
                for decision in scheduler.plan(&snapshot, now: now) {
                    switch decision {
                    case .start(let id, let placement):
                        let job = Int(id)
                        startTime[job] = now
                        busy += jobs[job].spec.gpus
                        let runFor = max(1, min(jobs[job].runtime, jobs[job].spec.timeLimit))
                        completions.push(time: now + runFor, job: Int32(job))
                        topology.record(placement)
                    case .reserve:
                        reservations += 1
                    }
                }
            }
            utilization.record(Double(busy) / totalGPUs, at: now)
            queueLength.record(Double(snapshot.pending.count), at: now)
            fragmentation.sample(snapshot, bucket: Int((now - firstSubmit) / width))
            events += 1
            if checkInvariants && (events % checkEvery == 0 || (next >= n && completions.isEmpty)) {
                checks += 1
                let problems = snapshot.cluster.invariantViolations(running: snapshot.running.sortedByID)
                if !problems.isEmpty { throw .invariantViolated(at: now, problems.map(\.description)) }
            }
        }
        progress?(n, n)

        let end = endTime.max() ?? firstSubmit
        var waits: [Double] = []
        var jcts: [Double] = []
        var slowdowns: [Double] = []
        waits.reserveCapacity(n)
        for job in 0..<n where endTime[job] >= 0 {
            let submit = jobs[job].spec.submitTime
            waits.append(Double(startTime[job] - submit))
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
        return SimulationReport(
            workload: workload.name,
            cluster: .init(
                name: clusterName, nodes: cluster.nodeCount, gpus: cluster.totalGPUs, levels: cluster.levelNames),
            policy: policy.rawValue,
            seed: seed,
            jobs: .init(
                submitted: n, completed: finished - timedOut, timedOut: timedOut, rejected: rejected,
                unfinished: n - finished - rejected),
            waitSeconds: Distribution(waits),
            jctSeconds: Distribution(sorted: jcts),
            boundedSlowdown: Distribution(slowdowns),
            makespanSeconds: end - firstSubmit,
            gpuUtilization: rounded(utilization.mean(until: end)),
            fragmentation: fragmentation.summary,
            topology: topology.summary,
            planningPasses: passes,
            reservations: reservations,
            invariantChecks: checks,
            series: .init(
                bucketSeconds: width,
                utilization: utilization.averages(until: end).map(rounded),
                queueLength: queueLength.averages(until: end).map(rounded),
                jctCDF: cdf))
    }
}

/// Rounds to 6 significant decimals so reports stay readable (and stable).
func rounded(_ x: Double) -> Double { (x * 1_000_000).rounded() / 1_000_000 }

/// Counts how multi-node gangs were laid over the lowest topology level.
struct TopologyTally {
    private let nodeBlock: [Int32]
    private let leafNodes: Int
    private var jobs = 0
    private var spanned = 0
    private var minimal = 0
    private var fitsOneLeaf = 0
    private var inOneLeaf = 0

    init(cluster: Cluster) {
        nodeBlock = cluster.nodeBlock
        leafNodes = cluster.levelBlocks[0].map { Int(cluster.blockNodeEnd[$0] - cluster.blockNodeStart[$0]) }.max() ?? 1
    }

    mutating func record(_ placement: Placement) {
        guard placement.nodes.count > 1 else { return }
        jobs += 1
        var blocks = placement.nodes.map { nodeBlock[Int($0)] }
        blocks.sort()
        var distinct = 1
        for i in 1..<blocks.count where blocks[i] != blocks[i - 1] { distinct += 1 }
        spanned += distinct
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

    mutating func sample(_ snapshot: Snapshot, bucket: Int) {
        guard bucket != lastBucket, !snapshot.pending.isEmpty else { return }
        lastBucket = bucket
        let cluster = snapshot.cluster
        let smallest = snapshot.pending.reduce(Int.max) { min($0, $1.shape.gpusPerNode) }
        var count = 0
        if smallest > 1 {
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
