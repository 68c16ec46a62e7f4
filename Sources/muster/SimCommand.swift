import ArgumentParser
import Foundation
import MusterCore
import MusterSim

/// `muster sim`: replays a trace or a synthetic workload through the scheduler on a virtual clock.
struct SimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Replay a cluster trace or a synthetic workload through Muster's scheduler.",
        discussion: """
            Traces: philly (Microsoft Philly 2017, 82,247 jobs), openb[:VARIANT] (Alibaba PAI 2023, e.g. \
            openb:multigpu50), synthetic (seeded generator sized to the cluster), or a Muster JSONL file. \
            Clusters: philly, openb, superpod:N, colossus:N (N GPUs, e.g. colossus:1M).
            """
    )

    @Option(help: "philly | openb[:VARIANT] | synthetic | FILE.jsonl")
    var trace: String = "philly"

    @Option(help: "philly | openb | superpod:N | colossus:N | nvl72:N (N GPUs; 100k and 1M work)")
    var cluster: String?

    @Option(help: "fifo | priority | backfill | sjf | srtf (oracles) | las (non-clairvoyant)")
    var policy: SchedulingPolicy = .backfill

    @Option(help: "Seed for the synthetic workload generator.")
    var seed: UInt64 = 1

    @Option(help: "Synthetic workload: days of arrivals.")
    var days: Double = 7

    @Option(help: "Synthetic workload: offered load as a share of cluster GPU-time.")
    var load: Double = 0.8

    @Option(
        name: .customLong("trace-dir"),
        help: "Where the public traces are (default: $MUSTER_TRACE_DIR, then ../shared/data/traces).")
    var traceDir: String?

    @Flag(help: "Print the report as JSON (byte-identical for the same inputs and seed).")
    var json = false

    @Option(help: "Write an HTML report with charts to this file.")
    var report: String?

    @Option(
        help: """
            Write one CSV row per job (submit, start, end, wait, JCT, bounded slowdown, state) to this file \
            (gzipped if it ends in .gz).
            """)
    var jobs: String?

    @Flag(help: "Check the cluster invariants while replaying (slower).")
    var check = false

    @Flag(
        help: """
            Schedule a partitioned cluster as one pool: Philly's 11 virtual clusters become one queue over all \
            352 nodes (the what-if of sharing them).
            """)
    var pooled = false

    @Option(
        help: ArgumentHelp(
            "Sharing config file (teams, guarantees, classes, preemption; the controller's format). The cluster is "
                + "then one pool with those teams' quotas."))
    var config: String?

    @Flag(
        help: ArgumentHelp(
            "Inject failures: Llama 3's rate (419 in 54 days on 16,384 GPUs, per GPU-hour) and mix of causes, each "
                + "with a repair time; interrupted jobs restart from their last checkpoint."))
    var failures = false

    @Option(name: .customLong("failure-rate"), help: "With --failures: interruptions per GPU-hour (default 1.97e-5).")
    var failureRate: Double?

    @Option(
        name: .customLong("checkpoint-interval"),
        help: "Seconds between a running job's checkpoints, for failures (default: the config's, else 1800).")
    var checkpointInterval: Int64?

    @Option(
        name: .customLong("restart-overhead"),
        help: "Seconds a restarted job spends before it progresses, for failures (default: the config's, else 120).")
    var restartOverhead: Int64?

    @Option(
        help: ArgumentHelp(
            "Share of each leaf block's nodes held back as hot spares (0 to 0.5, e.g. 0.0625): a gang a failure "
                + "interrupts restarts at once on its nodes and spares of its leaf blocks."))
    var spares: Double?

    @Option(
        name: .customLong("spare-lend"),
        help: "With --spares: one-node jobs with a time limit up to this many seconds may run on idle spares.")
    var spareLend: Int64?

    @Option(help: "Stop this many seconds after the first submit; jobs running then are unfinished.")
    var horizon: Int64?

    func validate() throws {
        if let horizon, !(1...(3_650 * 86_400)).contains(horizon) {
            throw ValidationError("--horizon must be 1 s to 10 years in seconds")
        }
        if let spares, !SparePolicy.shares.contains(spares) {
            throw ValidationError("--spares must be a share from 0 to 0.5, got \(spares)")
        }
        if let spareLend, !(0...(7 * 86_400)).contains(spareLend) {
            throw ValidationError("--spare-lend must be 0 to 604800 seconds")
        }
        if let failureRate, !(failureRate > 0 && failureRate < 1) {
            throw ValidationError("--failure-rate must be above 0 and below 1 per GPU-hour, got \(failureRate)")
        }
        if let checkpointInterval, !(0...(365 * 86_400)).contains(checkpointInterval) {
            throw ValidationError("--checkpoint-interval must be 0 to one year in seconds")
        }
        if let restartOverhead, !(0...86_400).contains(restartOverhead) {
            throw ValidationError("--restart-overhead must be 0 to 86400 seconds")
        }
    }

    func run() throws {
        let started = monotonicNanos()
        var sharing: SharingPolicy?
        if let config {
            guard let text = try? String(contentsOfFile: config, encoding: .utf8) else {
                throw ValidationError("--config: cannot read \(config)")
            }
            do {
                sharing = try SharingConfigFile.parse(text)
            } catch {
                throw ValidationError("--config: \(config), \(error)")
            }
        }
        let input = try SimulationInput.resolve(
            trace: trace, cluster: cluster, seed: seed, days: days, load: load, traceDir: traceDir,
            pooled: pooled || sharing != nil)
        var simulator = Simulator(
            partitions: input.partitions, clusterName: input.clusterName, workload: input.workload, policy: policy,
            seed: input.seed, checkInvariants: check)
        simulator.checkInvariants = check
        simulator.sharing = sharing
        if let spares { simulator.spares = SparePolicy(share: spares, lendLimit: spareLend ?? 0) }
        simulator.horizon = horizon
        if failures || failureRate != nil {
            var model = FailureModel.llama3
            if let failureRate { model.perGPUHour = failureRate }
            simulator.failures = model
            simulator.checkpointInterval = checkpointInterval
            simulator.restartOverhead = restartOverhead
        }
        let bar = ProgressBar(label: "simulating \(input.workload.name)")
        let loaded = monotonicNanos()
        let (result, outcomes) = try simulator.replay(progress: { bar.update($0, of: $1) })
        bar.finish()
        let finished = monotonicNanos()
        if let jobs {
            try outcomes.writeCSV(input.workload, to: jobs)
        }
        if let report {
            try HTMLReport.render(result).write(toFile: report, atomically: true, encoding: .utf8)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            encoder.keyEncodingStrategy = .convertToSnakeCase
            print(String(decoding: try encoder.encode(result), as: UTF8.self))
        } else {
            print(SimulationSummary.text(result))
            for note in input.workload.notes { print("note: \(note)") }
        }
        let loadSeconds = Double(loaded - started) / 1e9
        let simSeconds = Double(finished - loaded) / 1e9
        printError(
            String(
                format: "loaded in %.2f s, replayed %d jobs in %.2f s (%.0f jobs/s)%@", loadSeconds,
                result.jobs.submitted, simSeconds, Double(result.jobs.submitted) / max(simSeconds, 1e-9),
                (report.map { ", report written to \($0)" } ?? "") + (jobs.map { ", jobs to \($0)" } ?? "")))
    }
}

extension SchedulingPolicy: ExpressibleByArgument {}
