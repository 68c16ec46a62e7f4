import Foundation
import MusterCore
import Synchronization

/// The what-if planner behind `muster plan`: for each cluster size, three simulations on the production
/// scheduler and lifecycle, with Llama 3's failures, hot spares and the power model.
///
/// 1. A mixed workload (the synthetic generator sized to the cluster, `days` of arrivals at `load`), with failures
///    and a spare pool (and the power budget, if any): facility power over time, energy, node failures and job
///    interruptions per day, utilisation and queueing.
/// 2. One training job on every GPU but the spare pool's, alone, with failures, restarting on spares: its ETTR.
/// 3. The same job on every GPU, without spares: each hardware failure waits for its repair.
///
/// With a power budget, the mixed workload keeps it (jobs wait, `why` would say so); a cluster the budget cannot
/// power even idle runs it without the budget, and its row says so. The training runs ignore the budget.
///
/// The two training runs last long enough for about `interruptionsPerRun` interruptions (12 h to 14 days of
/// simulated time), so each size's ETTR rests on as many samples. Simulations run in parallel, one per core.
public struct WhatIfPlan: Sendable, Codable, Hashable {
    /// The GPU systems the planner models.
    public enum Hardware: String, Sendable, Codable, CaseIterable {
        /// DGX H100 style: 8-GPU nodes, 32-node leaves (`colossus:N`).
        case h100
        /// GB200 NVL72 racks: 4-GPU trays, one 18-tray rack per leaf (`nvl72:N`).
        case gb200

        public var power: PowerModel { self == .h100 ? .h100 : .gb200 }
        public var gpusPerNode: Int { self == .h100 ? 8 : 4 }
        public func preset(gpus: Int) -> ClusterPreset { self == .h100 ? .colossus(gpus: gpus) : .nvl72(gpus: gpus) }
    }

    public var sizes: [Int]
    public var hardware: Hardware
    /// The facility's power budget in MW (applied to the IT draw at peak, divided by the PUE); nil: none.
    public var budgetMW: Double?
    public var spareShare: Double
    public var checkpointInterval: Seconds
    public var restartOverhead: Seconds
    /// Days of arrivals of the mixed workload, and its offered load.
    public var days: Double
    public var load: Double
    public var seed: UInt64
    /// About how many interruptions each training run should see.
    public var interruptionsPerRun: Double

    public init(
        sizes: [Int], hardware: Hardware = .h100, budgetMW: Double? = nil, spareShare: Double = 1.0 / 16,
        checkpointInterval: Seconds = 600, restartOverhead: Seconds = 120, days: Double = 2, load: Double = 1,
        seed: UInt64 = 1, interruptionsPerRun: Double = 100
    ) {
        self.sizes = sizes
        self.hardware = hardware
        self.budgetMW = budgetMW
        self.spareShare = spareShare
        self.checkpointInterval = checkpointInterval
        self.restartOverhead = restartOverhead
        self.days = days
        self.load = load
        self.seed = seed
        self.interruptionsPerRun = interruptionsPerRun
    }

    /// One cluster size's figures.
    public struct Row: Sendable, Codable, Hashable {
        public var gpus: Int
        public var nodes: Int
        /// Every GPU at its maximum and every node's other parts, times the PUE: what the facility must supply.
        public var fullLoadMW: Double
        /// The mixed workload's facility power: highest, mean and lowest bucket averages, and over time.
        public var peakMW: Double
        public var meanMW: Double
        public var lowMW: Double
        public var facilityMW: [Double]
        public var bucketSeconds: Int64
        public var energyMWhPerDay: Double
        public var nodeFailuresPerDay: Double
        public var jobInterruptionsPerDay: Double
        public var utilization: Double
        public var meanWaitSeconds: Double
        public var p99WaitSeconds: Double
        public var jobs: Int
        /// The training job with spares: its GPUs, the pool it starts with (nodes), its interruptions and restarts
        /// on spares, its ETTR.
        public var trainingGPUs: Int
        public var spares: Int
        public var trainingInterruptions: Int
        public var restartsOnSpares: Int
        public var ettrWithSpares: Double
        /// The same job on every GPU, without spares.
        public var ettrWithoutSpares: Double
        /// Simulated hours of each training run.
        public var trainingHours: Double
        /// Facility MW of the cluster idle (every node on, no GPU busy).
        public var idleMW: Double
        /// The power budget could not power the cluster even idle: its mixed workload ran without the budget.
        public var idleOverBudget: Bool
    }

    /// The plan: what was asked, the model's PUE and failure rate, and one row per size.
    public struct Report: Sendable, Codable, Hashable {
        public var inputs: WhatIfPlan
        public var pue: Double
        public var failuresPerGPUHour: Double
        public var rows: [Row]
    }

    /// Runs every simulation (in parallel) and gathers the rows. `progress` gets (work done, work in all), the
    /// work weighed by node count, from any thread, one call at a time.
    public func run(progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) throws -> Report {
        let failures = FailureModel.llama3
        let tasks = sizes.flatMap { size in (0..<3).map { (size: size, kind: $0) } }
        let weights = tasks.map { max(1, $0.size / hardware.gpusPerNode) * ($0.kind == 0 ? 1 : 2) }
        let total = weights.reduce(0, +)
        let results = Mutex<(done: Int, reports: [Int: SimulationReport], errors: [String])>((0, [:], []))
        DispatchQueue.concurrentPerform(iterations: tasks.count) { i in
            let task = tasks[i]
            var report: SimulationReport?
            var failure: String?
            do {
                report = try simulate(size: task.size, kind: task.kind, failures: failures)
            } catch {
                failure = "\(task.size) GPUs: \(error)"
            }
            results.withLock { state in
                state.done += weights[i]
                if let report { state.reports[i] = report }
                if let failure { state.errors.append(failure) }
                progress(state.done, total)
            }
        }
        let (reports, errors) = results.withLock { ($0.reports, $0.errors) }
        if let first = errors.first { throw SimulationError.planFailed(first) }
        var rows: [Row] = []
        for (s, size) in sizes.enumerated() {
            guard let mixed = reports[3 * s], let spared = reports[3 * s + 1], let bare = reports[3 * s + 2] else {
                continue
            }
            rows.append(row(size: size, mixed: mixed, spared: spared, bare: bare))
        }
        return Report(inputs: self, pue: hardware.power.pue, failuresPerGPUHour: failures.perGPUHour, rows: rows)
    }

    /// Hours a training run on `gpus` GPUs lasts: about `interruptionsPerRun` failures, 12 h to 14 days.
    func trainingHours(gpus: Int, failures: FailureModel) -> Double {
        let perHour = failures.perGPUHour * Double(gpus)
        return min(14 * 24, max(12, interruptionsPerRun / max(perHour, 1e-9)))
    }

    /// Simulation `kind` for `size` GPUs: 0 the mixed workload, 1 the training job with spares, 2 without.
    func simulate(size: Int, kind: Int, failures: FailureModel) throws -> SimulationReport {
        let preset = hardware.preset(gpus: size)
        let cluster = try preset.cluster()
        let pool = SparePolicy(share: spareShare)
        let workload: Workload
        let horizon: Seconds
        if kind == 0 {
            let seconds = Seconds((days * 86_400).rounded())
            workload = SyntheticWorkload(clusterGPUs: size, seed: seed, duration: seconds, load: load).generate()
            horizon = seconds
        } else {
            var gpus = cluster.totalGPUs
            if kind == 1 {
                let spares = SparePool.targets(pool, cluster).reduce(0) { $0 + Int($1) }
                gpus -= spares * hardware.gpusPerNode
            }
            let spec = JobSpec(name: "pretrain", gpus: gpus, timeLimit: 365 * 86_400, submitTime: 0)
            workload = Workload(name: "one training job", jobs: [TraceJob(spec: spec, runtime: 365 * 86_400)])
            horizon = Seconds((trainingHours(gpus: size, failures: failures) * 3_600).rounded())
        }
        var simulator = Simulator(
            cluster: cluster, clusterName: preset.description, workload: workload, policy: .backfill, seed: seed)
        simulator.failures = failures
        simulator.checkpointInterval = checkpointInterval
        simulator.restartOverhead = restartOverhead
        simulator.horizon = horizon
        if kind != 2 && spareShare > 0 { simulator.spares = pool }
        if kind == 0, let budgetMW, idleMW(gpus: cluster.totalGPUs) < budgetMW {
            var sharing = SharingPolicy()
            sharing.power = PowerBudget(
                budgets: ["cluster": budgetMW * 1e6 / hardware.power.pue],
                nodeOtherWatts: hardware.power.nodeOtherWatts)
            simulator.sharing = sharing
        }
        return try simulator.run()
    }

    /// Facility MW of `gpus` GPUs idle.
    func idleMW(gpus: Int) -> Double { hardware.power.itWatts(gpus: gpus, busy: 0) * hardware.power.pue / 1e6 }

    func row(size: Int, mixed: SimulationReport, spared: SimulationReport, bare: SimulationReport) -> Row {
        let days = Double(max(1, mixed.makespanSeconds)) / 86_400
        let power = mixed.power
        let trained = spared.failures?.largeJobs.first
        return Row(
            gpus: mixed.cluster.gpus, nodes: mixed.cluster.nodes,
            fullLoadMW: hardware.power.itWatts(gpus: mixed.cluster.gpus, busy: mixed.cluster.gpus, atMax: true)
                * hardware.power.pue / 1e6,
            peakMW: power?.peakMW ?? 0, meanMW: power?.meanMW ?? 0, lowMW: power?.lowMW ?? 0,
            facilityMW: power?.facilityMW ?? [], bucketSeconds: mixed.series.bucketSeconds,
            energyMWhPerDay: (power?.energyMWh ?? 0) / days,
            nodeFailuresPerDay: mixed.failures?.perDay ?? 0,
            jobInterruptionsPerDay: Double(mixed.failures?.jobInterruptions ?? 0) / days,
            utilization: mixed.gpuUtilization, meanWaitSeconds: mixed.waitSeconds.mean,
            p99WaitSeconds: mixed.waitSeconds.p99, jobs: mixed.jobs.submitted,
            trainingGPUs: trained?.gpus ?? 0,
            spares: trained.map { (mixed.cluster.gpus - $0.gpus) / hardware.gpusPerNode } ?? 0,
            trainingInterruptions: trained?.interruptions ?? 0,
            restartsOnSpares: spared.failures?.restartsOnSpares ?? 0, ettrWithSpares: trained?.ettr ?? 0,
            ettrWithoutSpares: bare.failures?.largeJobs.first?.ettr ?? 0,
            trainingHours: Double(spared.makespanSeconds) / 3_600, idleMW: idleMW(gpus: mixed.cluster.gpus),
            idleOverBudget: budgetMW.map { idleMW(gpus: mixed.cluster.gpus) >= $0 } ?? false)
    }
}
