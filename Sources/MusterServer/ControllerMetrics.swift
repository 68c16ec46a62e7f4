import Foundation
import Metrics
import MusterCore
import Prometheus
import Synchronization

/// The controller's metrics in the Prometheus text format (`GET /metrics`), recorded through swift-metrics into
/// a swift-prometheus registry of this controller's own (not the process-wide one: tests run several
/// controllers in one process). Histograms and counters are recorded as things happen; the queue and GPU gauges
/// and the lifecycle's counters are read from the lifecycle at each scrape. Names follow Prometheus conventions:
/// `muster_` prefix, base units (`_seconds`), `_total` for counters.
public final class ControllerMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    let factory: PrometheusMetricsFactory
    let passDuration: Metrics.Timer
    let passDecisions: Metrics.Recorder
    let commitDuration: Metrics.Timer
    let heartbeatLag: Metrics.Timer
    /// The request-latency timers, by "METHOD route".
    private let requestTimers = Mutex<[String: Metrics.Timer]>([:])
    /// The lifecycle's totals at the last scrape, so its counters move by what happened since.
    private let reported = Mutex(Reported())

    struct Reported {
        var starts = 0
        var preemptions = 0
        var ends: [JobState: Int] = [:]
        /// Label sets of the gauges set before: set to 0 when they no longer occur.
        var queueKeys: Set<QueueDepthKey> = []
        var models: Set<String> = []
    }

    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        let fast: [Duration] = [
            .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1),
            .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
            .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5),
        ]
        factory.durationHistogramBuckets = [
            "muster_scheduler_pass_duration_seconds": fast,
            "muster_store_commit_duration_seconds": fast,
            "muster_http_request_duration_seconds": fast + [.seconds(30), .seconds(60)],
            "muster_heartbeat_lag_seconds": [
                .milliseconds(10), .milliseconds(50), .milliseconds(100), .milliseconds(500), .seconds(1),
                .seconds(2), .seconds(5), .seconds(10), .seconds(20), .seconds(30), .seconds(60),
            ],
        ]
        factory.valueHistogramBuckets = [
            "muster_scheduler_pass_decisions": [0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 5_000]
        ]
        self.factory = factory
        passDuration = Metrics.Timer(label: "muster_scheduler_pass_duration_seconds", factory: factory)
        passDecisions = Metrics.Recorder(label: "muster_scheduler_pass_decisions", aggregate: true, factory: factory)
        commitDuration = Metrics.Timer(label: "muster_store_commit_duration_seconds", factory: factory)
        heartbeatLag = Metrics.Timer(label: "muster_heartbeat_lag_seconds", factory: factory)
    }

    /// One API request: its latency by route and method, and an error by status when it failed.
    public func request(route: String, method: String, status: Int, seconds: Double) {
        let dimensions = [("route", route), ("method", method)]
        // One timer per route and method, made once: this runs on every request.
        let timer = requestTimers.withLock { timers in
            if let timer = timers[method + " " + route] { return timer }
            let timer = Metrics.Timer(
                label: "muster_http_request_duration_seconds", dimensions: dimensions, factory: factory)
            timers[method + " " + route] = timer
            return timer
        }
        timer.recordSeconds(seconds)
        if status >= 400 {
            Metrics.Counter(
                label: "muster_http_request_errors_total", dimensions: dimensions + [("status", "\(status)")],
                factory: factory
            ).increment()
        }
    }

    /// Reads the lifecycle's gauges and totals into the registry, then renders everything.
    func scrape(_ lifecycle: Lifecycle, nodeCounts: [String: Int]) -> String {
        let depth = lifecycle.queueDepth()
        let use = lifecycle.gpuUse()
        reported.withLock { last in
            for key in last.queueKeys.union(depth.keys) {
                Metrics.Gauge(
                    label: "muster_jobs",
                    dimensions: [("state", key.state), ("team", key.team), ("class", key.className)],
                    factory: factory
                ).record(depth[key] ?? 0)
            }
            last.queueKeys.formUnion(depth.keys)
            var models = Set(use.map(\.model))
            for model in last.models where !models.contains(model) {
                for state in ["allocated", "idle", "spare", "drained", "down"] {
                    gpus(model, state).record(0)
                }
            }
            for entry in use {
                gpus(entry.model, "allocated").record(entry.allocated)
                gpus(entry.model, "idle").record(entry.idle)
                gpus(entry.model, "spare").record(entry.spare)
                gpus(entry.model, "drained").record(entry.drained)
                gpus(entry.model, "down").record(entry.down)
            }
            models.formUnion(last.models)
            last.models = models
            for state in ["up", "drained", "returning", "down"] {
                Metrics.Gauge(label: "muster_nodes", dimensions: [("state", state)], factory: factory)
                    .record(nodeCounts[state] ?? 0)
            }
            // Jobs held in memory: the active ones and those ended less than --keep-ended ago.
            Metrics.Gauge(label: "muster_jobs_in_memory", factory: factory).record(lifecycle.jobs.count)
            Metrics.Counter(label: "muster_job_starts_total", factory: factory)
                .increment(by: max(0, lifecycle.attemptsStarted - last.starts))
            last.starts = max(last.starts, lifecycle.attemptsStarted)
            Metrics.Counter(label: "muster_preemptions_total", factory: factory)
                .increment(by: max(0, lifecycle.preemptionsMade - last.preemptions))
            last.preemptions = max(last.preemptions, lifecycle.preemptionsMade)
            for state in [JobState.completed, .failed, .cancelled, .preempted] {
                let now = lifecycle.jobsEnded[state] ?? 0
                Metrics.Counter(
                    label: "muster_job_ends_total", dimensions: [("outcome", state.rawValue)], factory: factory
                )
                .increment(by: max(0, now - (last.ends[state] ?? 0)))
                last.ends[state] = max(last.ends[state] ?? 0, now)
            }
        }
        return Self.withHelp(registry.emitToString())
    }

    /// What each metric means, written as a `# HELP` line before its `# TYPE` line. (swift-metrics' factory
    /// registers every family without help text, and the registry refuses a family registered twice with two
    /// texts, so the lines are added to the rendered text instead.)
    static let help: [String: String] = [
        "muster_jobs":
            "Jobs held by the controller by state, team and priority class (pending and running are the queue).",
        "muster_jobs_in_memory": "Jobs held in memory: active ones and those ended less than --keep-ended ago.",
        "muster_gpus": "GPUs by model and state; every registered GPU is in exactly one state.",
        "muster_nodes": "Registered nodes by state.",
        "muster_job_starts_total": "Job attempts started (a requeued job starts again).",
        "muster_job_ends_total": "Jobs that ended, by outcome.",
        "muster_preemptions_total": "Running jobs preempted for higher-priority or guaranteed work.",
        "muster_scheduler_pass_duration_seconds": "Time one scheduler pass took.",
        "muster_scheduler_pass_decisions": "Decisions (starts, preemptions, reservations) one scheduler pass made.",
        "muster_store_commit_duration_seconds": "Time one group commit to the store took.",
        "muster_heartbeat_lag_seconds": "Time since a node's previous heartbeat when its next one arrives.",
        "muster_http_request_duration_seconds": "API request latency by route and method.",
        "muster_http_request_errors_total":
            "API requests answered with a 4xx or 5xx status, by route, method and status.",
    ]

    /// `text` with a `# HELP` line before each `# TYPE` line of a metric that has one.
    static func withHelp(_ text: String) -> String {
        var lines: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("# TYPE "), let name = line.split(separator: " ").dropFirst(2).first,
                let help = help[String(name)]
            {
                lines.append("# HELP \(name) \(help)")
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    private func gpus(_ model: String, _ state: String) -> Metrics.Gauge {
        Metrics.Gauge(label: "muster_gpus", dimensions: [("model", model), ("state", state)], factory: factory)
    }
}
