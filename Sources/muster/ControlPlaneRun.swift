import ArgumentParser
import Foundation
import Logging
import MusterAPI
import MusterClient
import MusterServer

/// One cluster size of `muster bench control-plane`: a controller process, its simulated nodes, the measures.
struct ControlPlaneRun {
    let options: BenchControlPlaneCommand
    let nodes: Int

    func measure() async throws -> Row {
        let dir = NSTemporaryDirectory() + "muster-cp-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var controller = try startController(dir)
        defer { if controller.isRunning { controller.terminate() } }
        let port = try await readPort(dir)
        let url = "http://127.0.0.1:\(port)"
        let admin = try String(contentsOfFile: dir + "/data/token", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let join = try String(contentsOfFile: dir + "/data/join.token", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let client = MusterClient(baseURL: url, token: admin, connections: 16)
        // One relay per leaf (its nodes call it in process; it speaks HTTP to the controller), or none.
        let perRelay = options.nodesPerRelay
        var quiet = Logger(label: "muster.relay")
        quiet.logLevel = .error
        let relays = (0..<(perRelay > 0 ? (nodes + perRelay - 1) / perRelay : 0)).map { r in
            Relay(name: "relay-leaf\(r)", controllerURL: url, joinToken: join, logger: quiet, connections: 3)
        }
        let leafSize = perRelay > 0 ? perRelay : 32
        let fleet = (0..<nodes).map { i in
            let link: any NodeLink =
                perRelay > 0
                ? RelayLink(relay: relays[i / perRelay], joinToken: join) : DirectLink(url: url, joinToken: join)
            return SimulatedNode(
                name: String(format: "n%06d", i), leaf: "leaf\(i / leafSize)", gpus: options.gpusPerNode, link: link)
        }
        let running = Task {
            await withTaskGroup(of: Void.self) { group in
                for node in fleet { group.addTask { await node.run() } }
            }
        }
        defer { running.cancel() }
        // Registration.
        let t0 = Date()
        try await waitUntil("muster bench control-plane", "\(nodes) nodes up", timeout: 600) {
            try await upCount(client) >= nodes
        }
        let register = Date().timeIntervalSince(t0)
        // Idle: heartbeats and long-polls only, once the last registrations have settled.
        try await Task.sleep(for: .seconds(5))
        var before = RelayStats()
        for relay in relays {
            await relay.resetSlowestHeartbeatBatch()
            before = before + (await relay.stats)
        }
        let idle = try await cpuCores(controller.processIdentifier, over: options.idleSeconds)
        var after = RelayStats()
        for relay in relays { after = after + (await relay.stats) }
        for relay in relays { await relay.resetSlowestHeartbeatBatch() }
        // Jobs end to end.
        let cpu0 = Self.cpuSeconds(controller.processIdentifier)
        let request = SubmitRequest(
            name: "cp", gpus: 1, timeLimit: 600, command: ["/bin/sleep", "\(options.jobSeconds)"], workdir: "/tmp")
        let ids = try await submit(client, count: options.jobs, request)
        try await waitUntil("muster bench control-plane", "jobs to end", timeout: 1_800) {
            try await client.jobs(states: ["pending", "running"], limit: 1).isEmpty
        }
        let cpuJobs = Self.cpuSeconds(controller.processIdentifier) - cpu0
        var busy = RelayStats()
        for relay in relays { busy = busy + (await relay.stats) }
        let ended = try await client.jobs(states: ["completed", "failed", "cancelled"], limit: 100_000)
        let wanted = Set(ids)
        let mine = ended.filter { wanted.contains($0.id) }
        let latencies = mine.compactMap { job in job.startTime.map { ($0 - job.submitTime) * 1000 } }.sorted()
        let span = (mine.compactMap(\.endTime).max() ?? 0) - (mine.map(\.submitTime).min() ?? 0)
        // A deep queue: jobs held by a dependency on a job that runs for an hour.
        let blocker = try await client.submit(
            SubmitRequest(name: "blocker", gpus: 1, timeLimit: 7_200, command: ["/bin/sleep", "3600"], workdir: "/tmp"))
        var held = request
        held.dependencies = [DependencyInfo(type: "afterok", jobID: blocker)]
        _ = try await submit(client, count: options.queued, held)
        let firstPage = try await Self.timed { _ = try await client.jobs(states: ["pending"], limit: 100) }
        let all = try await Self.timed { _ = try await client.jobs(states: ["pending"], limit: 100_000) }
        let nodeList = try await Self.timed { _ = try await client.nodes() }
        let rss = Self.rssMiB(controller.processIdentifier)
        let down = nodes - (try await upCount(client))
        // The interval the nodes follow now (each heartbeat's answer carries it).
        let interval = fleet.map(\.heartbeatInterval).max() ?? 0
        let declaredDown = Self.declaredDown(dir)
        let failed = fleet.reduce(0) { $0 + $1.failures.load(ordering: .relaxed) }
        if let reason = fleet.lazy.compactMap({ $0.lastFailure.withLock { $0 } }).first {
            FileHandle.standardError.write(Data("\(failed) node calls failed; one said: \(reason)\n".utf8))
        }
        // kill -9 and back.
        kill(controller.processIdentifier, SIGKILL)
        controller.waitUntilExit()
        let k0 = Date()
        controller = try startController(dir, port: port)
        try await waitUntil("muster bench control-plane", "the controller back", timeout: 600) {
            await client.healthy()
        }
        let back = Date().timeIntervalSince(k0)
        try await waitUntil("muster bench control-plane", "the nodes back", timeout: 600) {
            try await upCount(client) >= nodes
        }
        let nodesBack = Date().timeIntervalSince(k0)
        running.cancel()
        await client.shutdown()
        for node in fleet { await node.shutdown() }
        for relay in relays { await relay.shutdown() }
        func p(_ q: Double) -> Double {
            latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count) * q))]
        }
        return Row(
            nodes: nodes, registerSeconds: register, idleCores: idle, rssMiB: rss,
            jobsPerSecond: span > 0 ? Double(mine.count) / span : 0, p50Ms: p(0.5), p99Ms: p(0.99),
            cpuPerJobMs: mine.isEmpty ? 0 : cpuJobs / Double(mine.count) * 1000, firstPageMs: firstPage * 1000,
            allPendingMs: all * 1000, nodesListMs: nodeList * 1000, down: down, failedCalls: failed,
            restartSeconds: back, nodesBackSeconds: nodesBack, relays: relays.count, heartbeatInterval: interval,
            heartbeatBatchesPerSecond: Double(after.heartbeatBatches - before.heartbeatBatches) / options.idleSeconds,
            heartbeatsPerSecond: Double(after.heartbeats - before.heartbeats) / options.idleSeconds,
            heartbeatLagMs: after.slowestHeartbeatBatch * 1000, busyHeartbeatLagMs: busy.slowestHeartbeatBatch * 1000,
            declaredDown: declaredDown)
    }

    /// What one size measured.
    struct Row: Codable, Sendable {
        var nodes: Int
        var registerSeconds: Double
        var idleCores: Double
        var rssMiB: Double
        var jobsPerSecond: Double
        var p50Ms: Double
        var p99Ms: Double
        var cpuPerJobMs: Double
        var firstPageMs: Double
        var allPendingMs: Double
        var nodesListMs: Double
        var down: Int
        var failedCalls: Int
        var restartSeconds: Double
        var nodesBackSeconds: Double
        var relays: Int
        /// The heartbeat interval the nodes were told.
        var heartbeatInterval: Double
        /// While idle: heartbeat batches the relays sent a second, and the heartbeats they carried.
        var heartbeatBatchesPerSecond: Double
        var heartbeatsPerSecond: Double
        /// The slowest heartbeat batch's round trip to the controller (relays only), idle and while the jobs ran.
        var heartbeatLagMs: Double
        var busyHeartbeatLagMs: Double
        /// Nodes the controller declared down (its log says so) before the kill -9.
        var declaredDown: Int

        static let header = [
            "NODES", "RELAYS", "REGISTER", "HB EVERY", "HB/S (BATCHES/S)", "HB LAG IDLE/BUSY", "IDLE CPU", "RSS",
            "JOBS/S",
            "P50 MS", "P99 MS", "CPU/JOB", "QUEUE 1ST PAGE", "QUEUE ALL", "NODES LIST", "DOWN", "DECLARED DOWN",
            "FAILED CALLS", "RESTART", "NODES BACK",
        ]

        var cells: [String] {
            [
                "\(nodes)", "\(relays)", String(format: "%.1f s", registerSeconds),
                String(format: "%.1f s", heartbeatInterval),
                String(format: "%.0f (%.0f)", heartbeatsPerSecond, heartbeatBatchesPerSecond),
                String(format: "%.0f/%.0f ms", heartbeatLagMs, busyHeartbeatLagMs),
                String(format: "%.2f cores", idleCores),
                String(format: "%.0f MiB", rssMiB), String(format: "%.0f", jobsPerSecond),
                String(format: "%.1f", p50Ms),
                String(format: "%.1f", p99Ms), String(format: "%.2f ms", cpuPerJobMs),
                String(format: "%.0f ms", firstPageMs), String(format: "%.0f ms", allPendingMs),
                String(format: "%.0f ms", nodesListMs), "\(down)", "\(declaredDown)", "\(failedCalls)",
                String(format: "%.1f s", restartSeconds), String(format: "%.1f s", nodesBackSeconds),
            ]
        }
    }

    /// `muster controller` on `port` (0: a free one) with its data in `dir/data`, output in `dir/controller.log`.
    func startController(_ dir: String, port: Int = 0) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.executable)
        try? FileManager.default.removeItem(atPath: dir + "/port")
        process.arguments = [
            "controller", "--data", dir + "/data", "--listen", "127.0.0.1:\(port)", "--port-file", dir + "/port",
            "--heartbeat-timeout", "\(options.heartbeatTimeout)",
        ]
        if !FileManager.default.fileExists(atPath: dir + "/controller.log") {
            FileManager.default.createFile(atPath: dir + "/controller.log", contents: nil)
        }
        let log = FileHandle(forWritingAtPath: dir + "/controller.log")
        log?.seekToEndOfFile()
        process.standardOutput = log
        process.standardError = log
        try process.run()
        return process
    }

    func readPort(_ dir: String) async throws -> Int {
        var port = 0
        try await waitUntil("muster bench control-plane", "the controller's port", timeout: 60) {
            port =
                (try? String(contentsOfFile: dir + "/port", encoding: .utf8)).flatMap {
                    Int($0.trimmingCharacters(in: .whitespacesAndNewlines))
                } ?? 0
            return port > 0
        }
        return port
    }

    func upCount(_ client: MusterClient) async throws -> Int {
        try await client.nodePage(limit: 1).counts?["up"] ?? 0
    }

    /// Nodes the controller declared down (silent past the timeout), from its log.
    static func declaredDown(_ dir: String) -> Int {
        guard let text = try? String(contentsOfFile: dir + "/controller.log", encoding: .utf8) else { return 0 }
        return text.components(separatedBy: " declared down: ").count - 1
    }

    /// Submits `count` copies of `request` from 8 submitters; their ids.
    func submit(_ client: MusterClient, count: Int, _ request: SubmitRequest) async throws -> [Int64] {
        guard count > 0 else { return [] }
        return try await withThrowingTaskGroup(of: [Int64].self) { group in
            for part in 0..<8 {
                let mine = count / 8 + (part < count % 8 ? 1 : 0)
                group.addTask {
                    var ids: [Int64] = []
                    for _ in 0..<mine { ids.append(try await client.submit(request)) }
                    return ids
                }
            }
            var all: [Int64] = []
            for try await ids in group { all += ids }
            return all
        }
    }

    /// Cores the process used over `seconds` from now.
    func cpuCores(_ pid: Int32, over seconds: Double) async throws -> Double {
        let c0 = Self.cpuSeconds(pid)
        try await Task.sleep(for: .seconds(seconds))
        return (Self.cpuSeconds(pid) - c0) / seconds
    }

    /// User + system CPU seconds of `pid` (/proc/PID/stat).
    static func cpuSeconds(_ pid: Int32) -> Double {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return 0 }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // After the command: state is field 3; utime and stime are fields 14 and 15.
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Resident memory of `pid` in MiB (/proc/PID/status VmRSS).
    static func rssMiB(_ pid: Int32) -> Double {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kib = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return 0 }
        return kib / 1024
    }

    static func timed(_ body: () async throws -> Void) async throws -> Double {
        let t0 = Date()
        try await body()
        return Date().timeIntervalSince(t0)
    }

    /// This program, to start the controller as its own process.
    static let executable: String =
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]

}
