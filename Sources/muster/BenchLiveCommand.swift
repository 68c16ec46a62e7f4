import ArgumentParser
import Foundation
import Logging
import MusterAPI
import MusterClient
import MusterServer

/// `muster bench live`: an in-process `muster up` with 32 agents x 8 fake GPUs; N trivial jobs submitted through
/// the HTTP API, run and recorded; prints jobs/s and submit→running latency, for 1-GPU jobs and 2-node gangs.
struct BenchLiveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "live",
        abstract: "Benchmark the live cluster: jobs/s and submit→running latency on an in-process muster up.")

    @Option(help: "1-GPU jobs to run.")
    var jobs: Int = 5000

    @Option(name: .customLong("gang-jobs"), help: "2-node 16-GPU jobs to run.")
    var gangJobs: Int = 2000

    @Option(help: "Agents (nodes).")
    var agents: Int = 32

    @Option(name: .customLong("gpus-per-agent"), help: "Fake GPUs per agent.")
    var gpusPerAgent: Int = 8

    @Option(help: "Concurrent submitters.")
    var concurrency: Int = 4

    @Option(help: "Command each job runs.")
    var command: String = "/bin/true"

    @Option(help: "Data directory (default: a new temporary directory, removed afterwards).")
    var data: String?

    func run() async throws {
        let dir = data.map(absolutePath) ?? (NSTemporaryDirectory() + "muster-bench-\(UUID().uuidString.prefix(8))")
        defer { if data == nil { try? FileManager.default.removeItem(atPath: dir) } }
        let logger = LoggingSetup.logger("muster.bench", level: .warning)
        let server = try await ServerStartup.open(config: ControllerConfig(dataDir: dir), logger: logger)
        let (url, token, cluster) = try await LocalCluster.start(
            server: server, agents: agents, gpus: gpusPerAgent, logger: logger)
        let client = MusterClient(baseURL: url, token: token, connections: concurrency)
        do {
            let deadline = Date().addingTimeInterval(60)
            while try await client.nodes().filter({ $0.state == "up" }).count < agents {
                guard Date() < deadline else { throw ValidationError("agents did not register within 60 s") }
                try await Task.sleep(for: .milliseconds(20))
            }
            print(
                "muster bench live: \(agents) agents x \(gpusPerAgent) fake GPUs, \(concurrency) concurrent "
                    + "submitters, command \(command), data in \(dir)")
            if jobs > 0 {
                try await phase("1-GPU jobs", count: jobs, client: client, gpus: 1, nodes: nil)
            }
            if gangJobs > 0 {
                try await phase(
                    "2-node 16-GPU gang jobs", count: gangJobs, client: client, gpus: 2 * gpusPerAgent, nodes: 2)
            }
            print("nodes declared down during the run: \(await server.controller.nodesDeclaredDown)")
        } catch {
            await client.shutdown()
            cluster.cancel()
            throw error
        }
        await client.shutdown()
        cluster.cancel()
        _ = await cluster.result
    }

    private func phase(_ label: String, count: Int, client: MusterClient, gpus: Int, nodes: Int?) async throws {
        let request = SubmitRequest(
            name: "bench", gpus: gpus, nodes: nodes, timeLimit: 600, command: [command], workdir: "/tmp",
            env: ["PATH": "/usr/bin:/bin"])
        let started = Date()
        let next = Counter()
        var ids: [Int64] = []
        try await withThrowingTaskGroup(of: [Int64].self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    var mine: [Int64] = []
                    while next.take() < count { mine.append(try await client.submit(request)) }
                    return mine
                }
            }
            for try await part in group { ids += part }
        }
        let submitted = Date()
        let deadline = Date().addingTimeInterval(Double(count) / 10 + 60)
        while !(try await client.jobs(states: ["pending", "running"], limit: 1)).isEmpty {
            guard Date() < deadline else { throw ValidationError("\(label): jobs still unfinished at the deadline") }
            try await Task.sleep(for: .milliseconds(10))
        }
        let finished = Date()
        let all = try await client.jobs(states: ["completed", "failed", "cancelled"])
        let wanted = Set(ids)
        let mine = all.filter { wanted.contains($0.id) }
        let failed = mine.filter { $0.state != "completed" }.count
        let latencies = mine.compactMap { job in job.startTime.map { ($0 - job.submitTime) * 1000 } }.sorted()
        let firstSubmit = mine.map(\.submitTime).min() ?? 0
        let lastEnd = mine.compactMap(\.endTime).max() ?? 0
        func percentile(_ p: Double) -> Double {
            latencies.isEmpty ? .nan : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))]
        }
        print(
            String(
                format: "%@: %d jobs (%d failed) in %.2f s = %.0f jobs/s end to end (recorded: %.0f jobs/s); "
                    + "submitting took %.2f s (%.0f submits/s); submit→running p50 %.1f ms, p99 %.1f ms",
                label, count, failed, finished.timeIntervalSince(started),
                Double(count) / finished.timeIntervalSince(started),
                Double(mine.count) / max(1e-9, lastEnd - firstSubmit),
                submitted.timeIntervalSince(started), Double(count) / submitted.timeIntervalSince(started),
                percentile(0.5), percentile(0.99)))
    }
}

/// A shared counter handing out job numbers to the submitters.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func take() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value - 1
    }
}
