import Foundation
import MusterCore
import Synchronization

/// `muster bench inference`: inference replicas (the DLRM trace) beside training jobs on one cluster, four ways
/// (`InferenceMode`), each replayed through the production `Lifecycle` by the `Simulator`.
///
/// Replicas are one-GPU jobs of team `inference` in the serving class (`inference`: never preempted, may
/// preempt), submitted as service replicas (`TraceJob.service`); training jobs are of team `training` in the
/// preemptible class `research`. A preempted job keeps the work of its last checkpoint (`checkpointInterval`)
/// and pays `restartOverhead` to start again. The dedicated baseline has an inference pool of the replicas' peak
/// (whole nodes) and a training pool of `trainingGPUs`; each shared mode gets the smallest cluster (by bisection
/// over whole nodes, up to the dedicated total) that places 99 % of replicas within `placementTarget` and keeps
/// training's mean JCT within `jctTolerance` of the baseline's.
public struct InferenceComparison: Sendable {
    public static let inferenceTeam = "inference"
    public static let trainingTeam = "training"
    /// The replicas' class: `inference` (rank 300) in `SharingPolicy.defaultClasses`.
    public static let servingClass = PriorityClass(name: "inference", rank: 300)
    /// Training's class: `research` (rank 100), preemptible after 5 minutes.
    public static let trainingClass = PriorityClass(name: "research", rank: 100)

    /// The replicas' jobs, then the training jobs: outcomes are indexed alike.
    public let jobs: [TraceJob]
    /// How many of `jobs` (the first) are replicas.
    public let replicaCount: Int
    /// The replicas' concurrency if each is placed at once.
    public let curve: ReplicaCurve
    /// The span over which utilisation is measured (the inference trace's).
    public let span: Seconds
    public let gpusPerNode: Int
    /// GPUs of the dedicated inference pool: `curve.peak` rounded up to whole nodes. In `loaning`, the inference
    /// team's guarantee.
    public let inferenceGPUs: Int
    /// GPUs of the dedicated training pool (whole nodes).
    public let trainingGPUs: Int
    /// GPUs of headroom the inference team holds in `headroom` mode.
    public var headroom: Int
    /// A replica placed within this many seconds of its creation is on time; the search wants 99 % on time.
    public var placementTarget: Seconds = 60
    /// How much worse than the dedicated baseline training's mean JCT may be in a shared mode the search accepts.
    public var jctTolerance = 0.02
    public var checkpointInterval = 1_800.0
    public var restartOverhead = 120.0
    public var policy: SchedulingPolicy = .backfill

    /// Replicas of `inference` beside `training` (given their team, class and partition here);
    /// `trainingGPUs` is rounded up to whole nodes; `headroom` nil: the replicas' p95 concurrency.
    public init(
        inference: DLRMTrace, training: [TraceJob], trainingGPUs: Int, headroom: Int? = nil, gpusPerNode: Int = 8
    ) {
        let replicas = inference.jobs(team: Self.inferenceTeam, priority: Self.servingClass, partition: "inference")
        let training = training.map { job in
            var job = job
            job.spec.team = Self.trainingTeam
            job.spec.priority = Self.trainingClass
            job.partition = "training"
            return job
        }
        jobs = replicas + training
        replicaCount = replicas.count
        curve = ReplicaCurve(inference)
        span = inference.horizon
        self.gpusPerNode = gpusPerNode
        inferenceGPUs = (curve.peak + gpusPerNode - 1) / gpusPerNode * gpusPerNode
        self.trainingGPUs = (trainingGPUs + gpusPerNode - 1) / gpusPerNode * gpusPerNode
        self.headroom = headroom ?? curve.p95
    }

    /// Training jobs laid over `span`: each keeps its run time and is submitted at its submit time modulo `span`,
    /// so a trace longer than the span is folded onto it (Philly's 109 days become about 3.5 overlaid 31-day
    /// periods, its load as many times higher); sorted by the new submit time.
    public static func fold(_ jobs: [TraceJob], onto span: Seconds) -> [TraceJob] {
        let folded = jobs.enumerated().map { i, job in
            var job = job
            job.spec.submitTime = span > 0 ? job.spec.submitTime % span : job.spec.submitTime
            return (i, job)
        }
        return folded.sorted { a, b in
            a.1.spec.submitTime != b.1.spec.submitTime ? a.1.spec.submitTime < b.1.spec.submitTime : a.0 < b.0
        }.map(\.1)
    }

    /// The dedicated baseline, then each mode on the smallest cluster that meets the target (run side by side on
    /// the machine's cores): for `dedicated`, the smallest training pool beside the same inference pool, which
    /// tells how much of a shared mode's saving merely right-sizes the training pool.
    public func run() throws(SimulationError) -> [InferenceOutcome] {
        var fixed = try replay(.dedicated, gpus: inferenceGPUs + trainingGPUs)
        fixed.sized = false
        let baseline = fixed
        let modes: [InferenceMode] = [.dedicated, .shared, .loaning, .headroom]
        let results = Mutex<[InferenceMode: Result<InferenceOutcome, SimulationError>]>([:])
        DispatchQueue.concurrentPerform(iterations: modes.count) { i in
            let result = Result { () throws(SimulationError) in try smallestCluster(modes[i], baseline: baseline) }
            results.withLock { $0[modes[i]] = result }
        }
        var out = [baseline]
        for mode in modes { out.append(try results.withLock { $0[mode]! }.get()) }
        return out
    }

    /// Whether `outcome` meets the target against `baseline`.
    public func meets(_ outcome: InferenceOutcome, baseline: InferenceOutcome) -> Bool {
        outcome.placementSeconds.p99 <= Double(placementTarget)
            && outcome.trainingJCTSeconds.mean <= baseline.trainingJCTSeconds.mean * (1 + jctTolerance)
    }

    /// The smallest cluster (whole nodes, from the inference pool's size up to the dedicated total) on which
    /// `mode` meets the target, assuming a larger cluster never does worse; the dedicated total, marked as
    /// missing the target, when even that does not. For `dedicated`, the inference pool stays and the training
    /// pool is what shrinks.
    /// - Complexity: O(log(trainingGPUs / gpusPerNode)) replays.
    public func smallestCluster(_ mode: InferenceMode, baseline: InferenceOutcome) throws(SimulationError)
        -> InferenceOutcome
    {
        var high = (inferenceGPUs + trainingGPUs) / gpusPerNode
        var best = try replay(mode, gpus: high * gpusPerNode)
        var replays = 1
        best.meetsTarget = meets(best, baseline: baseline)
        if best.meetsTarget {
            // `low` fails (taken as failing: below the inference pool nothing can be on time, and a dedicated
            // training pool has at least a node), `high` meets.
            var low = inferenceGPUs / gpusPerNode - (mode == .dedicated ? 0 : 1)
            while high - low > 1 {
                let middle = (low + high) / 2
                let outcome = try replay(mode, gpus: middle * gpusPerNode)
                replays += 1
                if meets(outcome, baseline: baseline) {
                    high = middle
                    best = outcome
                } else {
                    low = middle
                }
            }
        }
        best.replays = replays
        return best
    }

    /// One replay of `mode` on `gpus` in all (for `dedicated`, the inference pool and the rest for training).
    public func replay(_ mode: InferenceMode, gpus: Int) throws(SimulationError) -> InferenceOutcome {
        var simulator = Simulator(
            partitions: try partitions(mode, gpus: gpus), clusterName: mode.rawValue,
            workload: Workload(name: "dlrm+training", jobs: jobs), policy: policy)
        simulator.sharing = sharing(mode, gpus: gpus)
        simulator.bucketSeconds = 3_600
        let (report, outcomes) = try simulator.replay()
        var placement: [Double] = []
        placement.reserveCapacity(replicaCount)
        var waits: [Double] = []
        var jcts: [Double] = []
        for (i, job) in jobs.enumerated() {
            let submit = job.spec.submitTime
            // Never placed (cannot happen in a replay run to the end): counted as waiting the whole span.
            let start = outcomes.start[i] >= 0 ? outcomes.start[i] : submit + span
            if i < replicaCount {
                placement.append(Double(start - submit))
            } else {
                waits.append(Double(start - submit))
                if outcomes.end[i] >= 0 { jcts.append(Double(outcomes.end[i] - submit)) }
            }
        }
        let onTime = placement.filter { $0 <= Double(placementTarget) }.count
        let buckets = report.series.utilization.prefix(Int((span + 3_599) / 3_600))
        return InferenceOutcome(
            mode: mode, clusterGPUs: report.cluster.gpus, placementSeconds: Distribution(placement),
            placedInTarget: placement.isEmpty ? 1 : Double(onTime) / Double(placement.count),
            trainingWaitSeconds: Distribution(waits), trainingJCTSeconds: Distribution(jcts),
            preemptions: report.sharing?.preemptions ?? 0, lostGPUHours: report.sharing?.lostGPUHours ?? 0,
            utilization: buckets.isEmpty ? 0 : buckets.reduce(0, +) / Double(buckets.count))
    }

    /// The partitions of `mode` with `gpus` in all (whole nodes): for `dedicated`, the inference pool and a
    /// training pool of the rest (at least a node); else one cluster.
    public func partitions(_ mode: InferenceMode, gpus: Int) throws(SimulationError) -> [ClusterPartition] {
        func pool(_ name: String, _ gpus: Int) throws(SimulationError) -> ClusterPartition {
            let layout = ClusterPreset.fatTree(
                nodes: max(1, gpus / gpusPerNode), gpuModel: .h100, nodesPerLeaf: 32, leavesPerSpine: nil,
                prefix: name, gpus: gpusPerNode)
            do {
                return ClusterPartition(name: name, cluster: try Cluster(layout: layout))
            } catch {
                throw .benchFailed("\(mode.rawValue), \(gpus) GPUs: \(error)")
            }
        }
        if mode == .dedicated {
            return [try pool("inference", inferenceGPUs), try pool("training", gpus - inferenceGPUs)]
        }
        return [try pool("all", gpus)]
    }

    /// The sharing policy of `mode` on a cluster of `gpus`.
    public func sharing(_ mode: InferenceMode, gpus: Int) -> SharingPolicy {
        var policy = SharingPolicy(
            preemption: mode != .dedicated, checkpointInterval: checkpointInterval, restartOverhead: restartOverhead)
        switch mode {
        case .dedicated, .shared: break
        case .loaning:
            policy.teams = [
                TeamPolicy(name: Self.inferenceTeam, guarantee: inferenceGPUs),
                TeamPolicy(name: Self.trainingTeam, guarantee: max(0, gpus - inferenceGPUs)),
            ]
        case .headroom:
            policy.teams = [
                TeamPolicy(name: Self.inferenceTeam, headroom: headroom),
                TeamPolicy(name: Self.trainingTeam, guarantee: gpus),
            ]
        }
        return policy
    }
}
