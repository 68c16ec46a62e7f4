import Foundation

/// What one phase of `muster bench serve` measured: latency over time, the service's scaling steps and, with
/// training on the cluster, its victims and the work they lost. Times are seconds from the step (negative:
/// before it) unless named otherwise.
struct ServePhaseReport: Codable, Sendable {
    /// One line of the service's history (`muster service show`).
    struct Event: Codable, Sendable {
        var at: Double
        var text: String
    }

    /// The preemptible training that filled the cluster (phase `preempt`).
    struct TrainingOutcome: Codable, Sendable {
        var jobs: Int
        var victims: [Int64]
        var victimGPUs: Int
        /// Victims whose program said it resumed from its checkpoint.
        var resumed: Int
        /// GPU-seconds of work lost, as the programs counted it (steps since their last checkpoint).
        var lostGPUSeconds: Double
        /// (grace + checkpoint interval) × victim GPUs: the most a preemption may lose.
        var boundGPUSeconds: Double
        /// The service went back to one replica and every victim resumed before the load ended.
        var settled: Bool
    }

    var phase: String
    var gpus: Int
    var low: Double
    var high: Double
    /// Seconds from the load's start to the step, and the step's length.
    var stepAt: Double
    var stepSeconds: Double
    var window: Double
    var timeline: LatencyTimeline
    var samples: [ServeBenchPhase.Sample]
    var events: [Event]
    var training: TrainingOutcome?

    /// Seconds from the step to the first scale-up decision.
    var decision: Double? {
        events.first { $0.at >= 0 && $0.text.hasPrefix("scaled from") }?.at
    }

    /// Seconds from the step until `n` replicas were ready.
    func ready(_ n: Int) -> Double? {
        samples.first { $0.at >= stepAt && $0.ready >= n }.map { $0.at - stepAt }
    }

    /// Most replicas ready during the phase.
    var mostReady: Int { samples.map(\.ready).max() ?? 0 }

    /// Seconds from the step from which every window of the step has its p99 under `limitMs`.
    func p99Recovered(_ limitMs: Double) -> Double? {
        timeline.p99Under(limitMs, from: stepAt, before: stepAt + stepSeconds).map { $0 - stepAt }
    }

    /// The report in words and tables.
    func text(limitMs: Double) -> String {
        var lines: [String] = []
        let title =
            phase == "step"
            ? "phase step: an idle cluster of \(gpus) GPUs"
            : "phase preempt: \(gpus) GPUs, all but the first replica's held by 1-GPU preemptible training"
        lines.append(
            "muster bench serve, \(title); load \(Self.number(low)) → \(Self.number(high)) → \(Self.number(low)) req/s "
                + "(open loop), step at t=\(Self.number(stepAt)) s for \(Self.number(stepSeconds)) s")
        var table = TextTable(["T-STEP", "REQUESTS", "FAILED", "P50 MS", "P99 MS", "MAX MS", "READY", "DESIRED"])
        for w in timeline.windows {
            let end = w.start + window
            let last = samples.last { $0.at < end }
            table.add([
                Self.signed(w.start - stepAt), "\(w.requests)", "\(w.failed)", Self.ms(w.p50), Self.ms(w.p99),
                Self.ms(w.max), last.map { "\($0.ready)" } ?? "-", last.map { "\($0.desired)" } ?? "-",
            ])
        }
        lines.append(table.text)
        lines.append("scaling steps (service history, seconds from the step):")
        for event in events { lines.append("  \(Self.signed(event.at)) s  \(event.text)") }
        let failed = timeline.failed
        lines.append(
            "requests \(timeline.requests), failed \(failed); latency p50 \(Self.ms(timeline.p50)) ms, p99 "
                + "\(Self.ms(timeline.p99)) ms, p99.9 \(Self.ms(timeline.p999)) ms, max \(Self.ms(timeline.max)) ms")
        let three = min(3, mostReady)
        lines.append(
            "scale decision \(decision.map { "\(Self.number($0)) s" } ?? "never") after the step; "
                + "\(max(three, 3)) replicas ready \(ready(3).map { "\(Self.number($0)) s after the step" } ?? "never"); "
                + "most ready \(mostReady); p99 under \(Self.number(limitMs)) ms in every \(Self.number(window)) s "
                + "window of the step from \(p99Recovered(limitMs).map { "+\(Self.number($0)) s" } ?? "never")")
        if let t = training {
            lines.append(
                "training: \(t.jobs) jobs; victims \(t.victims.map(String.init).joined(separator: ", ")) "
                    + "(\(t.victimGPUs) GPUs taken for \(max(0, (samples.map(\.desired).max() ?? 1) - 1)) more replicas); "
                    + "\(t.resumed) of \(t.victims.count) resumed from their checkpoints"
                    + (t.settled ? "" : " before the load ended (not settled: raise --settle)"))
            lines.append(
                "training GPU-seconds lost: \(Self.number(t.lostGPUSeconds)) (bound: (grace + checkpoint interval) × "
                    + "victim GPUs = \(Self.number(t.boundGPUSeconds)))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func number(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e9 ? "\(Int(v))" : String(format: "%.1f", v)
    }

    static func signed(_ v: Double) -> String { (v >= 0 ? "+" : "") + number(v) }

    static func ms(_ v: Double) -> String { v >= 100 ? String(format: "%.0f", v) : String(format: "%.1f", v) }
}
