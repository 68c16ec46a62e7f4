import ArgumentParser
import Foundation
import MusterAPI
import MusterClient

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
            a task "runs" for the seconds of its command (sleep N). Both sides hold about 2 connections per \
            node, so the open-file limit bounds the size (ulimit -n).
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

    func validate() throws {
        guard !sizes.isEmpty, sizes.allSatisfy({ (1...200_000).contains($0) }) else {
            throw ValidationError("--nodes takes sizes from 1 to 200000, comma-separated; got '\(nodes)'")
        }
        guard (1...64).contains(gpusPerNode), (0...1_000_000).contains(jobs), (0...3_600).contains(jobSeconds),
            (0...1_000_000).contains(queued), (1...3_600).contains(heartbeatTimeout),
            (1...600).contains(idleSeconds)
        else {
            throw ValidationError(
                "ranges: --gpus-per-node 1-64, --jobs 0-1000000, --job-seconds 0-3600, --queued 0-1000000, "
                    + "--heartbeat-timeout 1-3600, --idle-seconds 1-600")
        }
    }

    var sizes: [Int] { nodes.split(separator: ",").compactMap { Int($0) } }

    func run() async throws {
        var table = TextTable([
            "NODES", "REGISTER", "IDLE CPU", "RSS", "JOBS/S", "P50 MS", "P99 MS", "CPU/JOB", "QUEUE 1ST PAGE",
            "QUEUE ALL", "NODES LIST", "DOWN", "FAILED CALLS", "RESTART", "NODES BACK",
        ])
        for n in sizes {
            let row = try await ControlPlaneRun(options: self, nodes: n).measure()
            table.add(row)
            print("\(n) nodes: " + row.joined(separator: "  "))
            fflush(nil)
        }
        print(table.text)
    }
}
