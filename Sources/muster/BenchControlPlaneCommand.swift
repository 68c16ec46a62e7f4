import ArgumentParser
import Foundation
import MusterAPI
import MusterClient
import MusterSim

/// `muster bench control-plane`: the controller as its own process, and thousands of simulated nodes
/// (`SimulatedNode`) that speak the real protocol over real sockets but run nothing; reports the controller's
/// CPU and memory, jobs/s and submit→running latency, listing times with a deep queue, nodes falsely declared
/// down, and the time to come back after `kill -9`, per cluster size.
struct BenchControlPlaneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "control-plane",
        abstract: "Benchmark the controller alone against simulated nodes on the real protocol.",
        discussion: """
            Each simulated node holds a long-poll and sends a heartbeat every interval the controller asks for; \
            a task "runs" for the seconds of its command (sleep N). Nodes sit behind one relay per leaf \
            (--nodes-per-relay, in this process; the relays speak HTTP to the controller); with \
            --nodes-per-relay 0 each node holds 2 connections of its own, so the open-file limit bounds the size.
            """)

    @Option(help: "Cluster sizes in nodes, comma-separated (e.g. 1000,5000).")
    var nodes = "1000"

    @Option(name: .customLong("gpus-per-node"), help: "GPUs each simulated node offers.")
    var gpusPerNode = 8

    @Option(help: "1-GPU jobs run end to end per size.")
    var jobs = 2_000

    @Option(name: .customLong("job-seconds"), help: "Seconds each job runs (its command is sleep N).")
    var jobSeconds = 1

    @Option(help: "Jobs left queued (held by a dependency) for the listing times.")
    var queued = 20_000

    @Option(name: .customLong("heartbeat-timeout"), help: "The controller's --heartbeat-timeout.")
    var heartbeatTimeout = 30.0

    @Option(name: .customLong("idle-seconds"), help: "Seconds the idle controller's CPU is sampled.")
    var idleSeconds = 10.0

    @Option(
        name: .customLong("nodes-per-relay"),
        help: "Nodes behind each relay (one per leaf block; 0: every node talks to the controller itself).")
    var nodesPerRelay = 32

    func validate() throws {
        guard !sizes.isEmpty, sizes.allSatisfy({ (1...200_000).contains($0) }) else {
            throw ValidationError("--nodes takes sizes from 1 to 200000, comma-separated; got '\(nodes)'")
        }
        guard (1...64).contains(gpusPerNode), (0...1_000_000).contains(jobs), (0...3_600).contains(jobSeconds),
            (0...1_000_000).contains(queued), (1...3_600).contains(heartbeatTimeout),
            (1...600).contains(idleSeconds), (0...RelayLimits.maxNodes).contains(nodesPerRelay)
        else {
            throw ValidationError(
                "ranges: --gpus-per-node 1-64, --jobs 0-1000000, --job-seconds 0-3600, --queued 0-1000000, "
                    + "--heartbeat-timeout 1-3600, --idle-seconds 1-600, --nodes-per-relay 0-4096")
        }
    }

    var sizes: [Int] { nodes.split(separator: ",").compactMap { Int($0) } }

    @Option(help: "Write an HTML report with the growth charts to this file.")
    var html: String?

    @Flag(help: "Print the rows as JSON.")
    var json = false

    func run() async throws {
        var table = TextTable(ControlPlaneRun.Row.header)
        var rows: [ControlPlaneRun.Row] = []
        for n in sizes {
            let row = try await ControlPlaneRun(options: self, nodes: n).measure()
            rows.append(row)
            table.add(row.cells)
            if !json {
                print("\(n) nodes: " + row.cells.joined(separator: "  "))
                fflush(nil)
            }
        }
        if json { try printJSON(rows) } else { print(table.text) }
        if let html {
            try report(rows).html().write(toFile: html, atomically: true, encoding: .utf8)
            if !json { print("report: \(html)") }
        }
    }

    /// The HTML page: the table and how each figure grows with the nodes.
    func report(_ rows: [ControlPlaneRun.Row]) -> GrowthReport {
        func line(_ label: String, _ value: (ControlPlaneRun.Row) -> Double) -> (
            label: String, points: [(x: Double, y: Double)]
        ) {
            (label, rows.map { (x: Double($0.nodes), y: value($0)) })
        }
        return GrowthReport(
            title: "Muster control plane: \(rows.map { "\($0.nodes)" }.joined(separator: ", ")) simulated nodes",
            summary: "muster bench control-plane --nodes \(nodes) --jobs \(jobs) --queued \(queued) "
                + "--heartbeat-timeout \(Int(heartbeatTimeout)): the controller as its own process; simulated nodes on "
                + "the real protocol (register, long-poll, heartbeats, task reports), no processes, "
                + (nodesPerRelay > 0
                    ? "\(nodesPerRelay) behind each relay (relays in process, HTTP to the controller)"
                    : "each on its own sockets") + "; \(gpusPerNode) GPUs a node; jobs of sleep \(jobSeconds).",
            xLabel: "nodes", header: ControlPlaneRun.Row.header, rows: rows.map(\.cells),
            charts: [
                .init(title: "Controller CPU when idle", yLabel: "cores", lines: [line("idle") { $0.idleCores }]),
                .init(title: "Controller memory", yLabel: "MiB", lines: [line("RSS") { $0.rssMiB }]),
                .init(title: "Jobs end to end", yLabel: "jobs/s", lines: [line("jobs/s") { $0.jobsPerSecond }]),
                .init(
                    title: "Submit to running", yLabel: "ms",
                    lines: [line("p50") { $0.p50Ms }, line("p99") { $0.p99Ms }]),
                .init(
                    title: "Listings", yLabel: "ms",
                    lines: [
                        line("queue, first page") { $0.firstPageMs }, line("queue, all pending") { $0.allPendingMs },
                        line("nodes, all") { $0.nodesListMs },
                    ]),
                .init(
                    title: "Registration and recovery", yLabel: "s",
                    lines: [
                        line("register all") { $0.registerSeconds }, line("back after kill -9") { $0.restartSeconds },
                        line("all nodes up again") { $0.nodesBackSeconds },
                    ]),
            ])
    }
}
