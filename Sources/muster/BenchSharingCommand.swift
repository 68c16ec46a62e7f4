import ArgumentParser
import Foundation
import MusterCore
import MusterSim

/// `muster bench sharing`: Philly's 11 virtual clusters as strict partitions (today), as teams of one pool with
/// lending, and with lending and preemption; their guarantees are the VCs' sizes in Helios's table.
struct BenchSharingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sharing",
        abstract: "Philly: strict partitions vs one pool with lending vs lending + preemption (teams = the 11 VCs).")

    @Option(name: .customLong("trace-dir"), help: "Where the public traces are.")
    var traceDir: String?

    @Option(help: "Policy to replay with.")
    var policy: SchedulingPolicy = .backfill

    @Option(name: .customLong("checkpoint-interval"), help: "Seconds between checkpoints of a running job.")
    var checkpointInterval: Double = 1_800

    @Option(name: .customLong("restart-overhead"), help: "Seconds a restarted job spends before it progresses.")
    var restartOverhead: Double = 120

    @Option(
        help: ArgumentHelp(
            "Scale every VC's nodes (and so its guarantee) by this factor, at least 1 node each: at 1 Philly's "
                + "2017 load is ~13 % and nothing waits; smaller clusters show what sharing does under contention."))
    var scale: Double = 1

    func run() throws {
        guard scale > 0, scale <= 1 else { throw ValidationError("--scale must be in (0, 1]") }
        let dir = try TraceDirectory.resolve(traceDir)
        let vcs = try PhillyTrace.virtualClusters(traceDirectory: dir).map { vc in
            (name: vc.name, nodes: max(1, Int((Double(vc.nodes) * scale).rounded())))
        }
        let teams = vcs.map { TeamPolicy(name: $0.name, guarantee: $0.nodes * 8) }
        let workload = try PhillyTrace.load(traceDirectory: dir)
        var rows: [[String]] = []
        let modes: [(String, Bool, SharingPolicy?)] = [
            ("strict partitions (today)", false, nil),
            ("one pool, lending", true, policy(teams, preemption: false)),
            ("one pool, lending + preemption", true, policy(teams, preemption: true)),
        ]
        for (name, pooled, sharing) in modes {
            var simulator = Simulator(
                partitions: try ClusterPreset.phillyPartitions(virtualClusters: vcs, pooled: pooled),
                clusterName: "philly", workload: workload, policy: policy)
            simulator.sharing = sharing
            let t0 = monotonicNanos()
            let report = try simulator.run()
            let seconds = Double(monotonicNanos() - t0) / 1e9
            let s = report.sharing
            rows.append([
                name, hours(report.waitSeconds.mean), hours(report.waitSeconds.p99), hours(report.jctSeconds.mean),
                String(format: "%.1f %%", report.gpuUtilization * 100),
                s?.guaranteeViolationJobHours.map { String(format: "%.0f", $0) } ?? "-",
                s.map { "\($0.preemptions)" } ?? "-", s.map { String(format: "%.0f", $0.lostGPUHours) } ?? "-",
                String(format: "%.1f s", seconds),
            ])
        }
        var table = TextTable([
            "MODE", "MEAN WAIT", "P99 WAIT", "MEAN JCT", "UTILISATION", "VIOLATION JOB-H", "PREEMPTIONS",
            "LOST GPU-H", "REPLAY",
        ])
        for row in rows { table.add(row) }
        print(table.text)
        print(
            "Philly 2017 (\(teams.count) VCs, \(vcs.reduce(0) { $0 + $1.nodes }) nodes, guarantees = Helios VC sizes "
                + "x \(scale) x 8 GPUs), policy \(policy.rawValue); "
                + "preemption loses the work since the last checkpoint (every \(Int(checkpointInterval)) s) and "
                + "pays \(Int(restartOverhead)) s to restart.")
    }

    private func policy(_ teams: [TeamPolicy], preemption: Bool) -> SharingPolicy {
        SharingPolicy(
            teams: teams, lending: true, preemption: preemption, checkpointInterval: checkpointInterval,
            restartOverhead: restartOverhead)
    }

    private func hours(_ seconds: Double) -> String { String(format: "%.2f h", seconds / 3600) }
}
