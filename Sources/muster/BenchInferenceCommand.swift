import ArgumentParser
import Foundation
import MusterCore
import MusterSim

/// `muster bench inference`: Alibaba's DLRM inference replicas (2025) beside Philly's training jobs, on dedicated
/// pools versus one shared cluster three ways, and how many GPUs each shared way saves.
struct BenchInferenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inference",
        abstract: "DLRM inference replicas + Philly training: dedicated pools vs shared, loaning, headroom.")

    @Option(name: .customLong("trace-dir"), help: "Where the public traces are.")
    var traceDir: String?

    @Option(
        help: ArgumentHelp(
            "Multiply every service's concurrent replicas by this factor (the k-th replica of a service is "
                + "replayed floor((k+1)X) - floor(kX) times), as on a promotion day."))
    var burst: Double = 1

    @Option(
        name: .customLong("burst-days"),
        help: ArgumentHelp(
            "Only during these days of the trace (e.g. 10-11: from day 10 to day 11), extra copies clipped to them."))
    var burstDays: String?

    @Option(
        name: .customLong("training-gpus"),
        help: "GPUs of the dedicated training pool (default Philly's own 352 nodes x 8).")
    var trainingGPUs = 2_816

    @Option(help: "GPUs of headroom the inference team holds in the headroom mode (default: p95 of its replicas).")
    var headroom: Int?

    @Option(name: .customLong("jct-tolerance"), help: "How much slower training's mean JCT may get, e.g. 0.02 = 2 %.")
    var jctTolerance = 0.02

    @Option(name: .customLong("checkpoint-interval"), help: "Seconds between checkpoints of a training job.")
    var checkpointInterval: Double = 1_800

    @Option(name: .customLong("restart-overhead"), help: "Seconds a preempted job spends restarting.")
    var restartOverhead: Double = 120

    @Flag(help: "Print the outcomes as JSON.")
    var json = false

    func run() throws {
        guard trainingGPUs >= 8 else { throw ValidationError("--training-gpus must be at least 8") }
        guard jctTolerance >= 0 else { throw ValidationError("--jct-tolerance must not be negative") }
        let t0 = monotonicNanos()
        let dir = try TraceDirectory.resolve(traceDir)
        let trace = try DLRMTrace.load(traceDirectory: dir)
        let scaled = try trace.scaled(by: burst, during: try window())
        let philly = try PhillyTrace.load(traceDirectory: dir)
        var comparison = InferenceComparison(
            inference: scaled, training: InferenceComparison.fold(philly.jobs, onto: trace.horizon),
            trainingGPUs: trainingGPUs, headroom: headroom)
        comparison.jctTolerance = jctTolerance
        comparison.checkpointInterval = checkpointInterval
        comparison.restartOverhead = restartOverhead
        let outcomes = try comparison.run()
        let seconds = Double(monotonicNanos() - t0) / 1e9
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            let summary = Summary(
                burst: burst, burstDays: burstDays, replicas: scaled.replicas.count, peak: comparison.curve.peak,
                p95: comparison.curve.p95, mean: comparison.curve.mean, headroom: comparison.headroom,
                trainingGPUs: comparison.trainingGPUs, jctTolerance: jctTolerance, seconds: seconds,
                outcomes: outcomes)
            print(String(decoding: try encoder.encode(summary), as: UTF8.self))
            return
        }
        let dedicated = outcomes[0].clusterGPUs
        var table = TextTable([
            "MODE", "GPUS", "SAVED", "PLACE P50", "PLACE P99", "<=60 S", "TRAIN WAIT", "TRAIN JCT", "JCT P99",
            "PREEMPT", "LOST GPU-H", "UTIL",
        ])
        for o in outcomes {
            table.add([
                title(o, headroom: comparison.headroom),
                "\(o.clusterGPUs)" + (o.meetsTarget ? "" : " (target missed)"),
                o.sized ? "\(dedicated - o.clusterGPUs)" : "-",
                String(format: "%.0f s", o.placementSeconds.p50), String(format: "%.0f s", o.placementSeconds.p99),
                String(format: "%.2f %%", o.placedInTarget * 100), hours(o.trainingWaitSeconds.mean),
                hours(o.trainingJCTSeconds.mean), hours(o.trainingJCTSeconds.p99), "\(o.preemptions)",
                String(format: "%.0f", o.lostGPUHours), String(format: "%.1f %%", o.utilization * 100),
            ])
        }
        print(table.text)
        let curve = comparison.curve
        print(
            "DLRM 2025: \(scaled.replicas.count) GPU replicas of \(trace.services) services (\(trace.cpuRows) CPU rows "
                + "skipped), burst x\(burst)\(burstDays.map { " on days \($0)" } ?? ""); concurrent replicas peak "
                + "\(curve.peak), p95 \(curve.p95), mean \(String(format: "%.0f", curve.mean)). Training: Philly's "
                + "\(philly.jobs.count) jobs folded onto the same 31 days, dedicated pool \(comparison.trainingGPUs) "
                + "GPUs.")
        print(
            "Sized rows: the smallest cluster (whole 8-GPU nodes; right-sized: its training pool) with replica "
                + "p99 placement <= 60 s and training mean JCT within \(String(format: "%.0f", jctTolerance * 100)) "
                + "% of dedicated; preemption loses "
                + "the work since the last checkpoint (every \(Int(checkpointInterval)) s) and pays "
                + "\(Int(restartOverhead)) s to restart. \(outcomes.dropFirst().map(\.replays).reduce(1, +)) "
                + "replays in \(String(format: "%.1f", seconds)) s.")
    }

    /// What `--json` prints: the run's settings, the replicas' concurrency, and each row.
    private struct Summary: Encodable {
        var burst: Double
        var burstDays: String?
        var replicas: Int
        var peak: Int
        var p95: Int
        var mean: Double
        var headroom: Int
        var trainingGPUs: Int
        var jctTolerance: Double
        var seconds: Double
        var outcomes: [InferenceOutcome]
    }

    /// `--burst-days A-B` as seconds from the trace's start.
    private func window() throws -> Range<Seconds>? {
        guard let burstDays else { return nil }
        let parts = burstDays.split(separator: "-").map { Double($0) }
        guard parts.count == 2, let from = parts[0], let to = parts[1], from >= 0, to > from else {
            throw ValidationError("--burst-days must be two days like 10-11, got \(burstDays)")
        }
        return Seconds(from * 86_400)..<Seconds(to * 86_400)
    }

    private func title(_ outcome: InferenceOutcome, headroom: Int) -> String {
        switch outcome.mode {
        case .dedicated where outcome.sized: "dedicated, training pool right-sized"
        case .headroom: "\(outcome.mode.title) H=\(headroom)"
        default: outcome.mode.title
        }
    }

    private func hours(_ seconds: Double) -> String { String(format: "%.2f h", seconds / 3600) }
}
