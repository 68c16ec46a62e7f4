import ArgumentParser
import Foundation
import MusterAPI
import MusterClient
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// `muster bench failover`: two controllers on one PostgreSQL database, agents and several submitting clients
/// given both addresses; the leader is killed with SIGKILL mid-stream. Prints how long until the standby leads,
/// and the counts: jobs acknowledged, lost, started twice, and whether the job running across the kill finished.
struct BenchFailoverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "failover",
        abstract: "Kill the leading controller mid-stream; time the takeover and count lost or doubled jobs.")

    @Option(help: "An empty PostgreSQL database both controllers share (postgres://USER:PASSWORD@HOST:PORT/DB).")
    var postgres: String

    @Option(help: "Submitting clients.")
    var clients = 4

    @Option(name: .customLong("seconds-before"), help: "Seconds of submitting before the kill.")
    var secondsBefore = 3.0

    @Option(name: .customLong("seconds-after"), help: "Seconds of submitting after the kill.")
    var secondsAfter = 5.0

    @Option(name: .customLong("lease-ttl"), help: "The controllers' lease in seconds.")
    var leaseTTL = 2.0

    func validate() throws {
        guard (1...64).contains(clients), (0.5...600).contains(secondsBefore), (0.5...600).contains(secondsAfter),
            (1...60).contains(leaseTTL)
        else {
            throw ValidationError(
                "ranges: --clients 1-64, --seconds-before and --seconds-after 0.5-600, --lease-ttl 1-60")
        }
    }

    func run() async throws {
        let dir = NSTemporaryDirectory() + "muster-failover-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir + "/marks", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ports = [try ListenAddress.freePort(), try ListenAddress.freePort()]
        let both = ports.map { "http://127.0.0.1:\($0)" }.joined(separator: ",")
        var processes: [Process] = []
        defer { for p in processes where p.isRunning { kill(p.processIdentifier, SIGKILL) } }
        func spawn(_ arguments: [String], _ log: String) throws -> Process {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: ControlPlaneRun.executable)
            process.arguments = arguments
            FileManager.default.createFile(atPath: dir + "/" + log, contents: nil)
            let handle = FileHandle(forWritingAtPath: dir + "/" + log)
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
            processes.append(process)
            return process
        }
        func controller(_ i: Int) throws -> Process {
            try spawn(
                [
                    "controller", "--data", dir + "/data\(i)", "--listen", "127.0.0.1:\(ports[i])", "--store", postgres,
                    "--lease-ttl", "\(leaseTTL)", "--heartbeat-timeout", "6", "--kill-grace", "1",
                ], "controller\(i).log")
        }
        let leader = try controller(0)
        try await waitUntil("muster bench failover", "the first controller to lead", timeout: 60) {
            guard FileManager.default.fileExists(atPath: dir + "/data0/token") else { return false }
            return await MusterClient(baseURL: both).healthyAndShutdown()
        }
        _ = try controller(1)
        let admin = try String(contentsOfFile: dir + "/data0/token", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        for name in ["node-a", "node-b"] {
            _ = try spawn(
                [
                    "agent", "--controller", both, "--name", name, "--fake-gpus", "8", "--poll-ms", "2000",
                    "--state-dir", dir + "/agent-\(name)", "--join-token-file", dir + "/data0/join.token",
                ], "agent-\(name).log")
        }
        let client = MusterClient(baseURL: both, token: admin, connections: 8)
        defer { Task { await client.shutdown() } }
        try await waitUntil("muster bench failover", "2 nodes up", timeout: 60) {
            (try? await client.nodePage(limit: 1).counts?["up"]) == 2
        }
        // A job running across the kill.
        let long = try await client.submit(
            SubmitRequest(
                name: "across", gpus: 2, timeLimit: 600,
                command: ["/bin/sh", "-c", "echo x >> \(dir)/marks/across; sleep 8"],
                workdir: dir))
        // Submitters: each job appends its id to its own file when it starts.
        let tally = Tally()
        let clients = self.clients
        let submitters = Task {
            await withTaskGroup(of: Void.self) { group in
                for c in 0..<clients {
                    group.addTask {
                        let mine = MusterClient(baseURL: both, token: admin, connections: 2)
                        var n = 0
                        while !tally.stop.load(ordering: .relaxed) {
                            n += 1
                            let key = "bench-\(c)-\(n)"
                            let request = SubmitRequest(
                                name: key, gpus: 1, timeLimit: 60,
                                command: ["/bin/sh", "-c", "echo $MUSTER_JOB_ID >> \(dir)/marks/\(key)"], workdir: dir)
                            if let id = try? await mine.submit(request, idempotencyKey: key) {
                                tally.acknowledged.withLock { $0.append(id) }
                            }
                        }
                        await mine.shutdown()
                    }
                }
            }
        }
        try await Task.sleep(for: .seconds(secondsBefore))
        kill(leader.processIdentifier, SIGKILL)
        leader.waitUntilExit()
        let killed = Date()
        let direct = MusterClient(baseURL: "http://127.0.0.1:\(ports[1])", token: admin)
        try await waitUntil("muster bench failover", "the standby to lead", timeout: 120) {
            (try? await direct.jobPage(limit: 1)) != nil
        }
        let takeover = Date().timeIntervalSince(killed)
        await direct.shutdown()
        try await Task.sleep(for: .seconds(secondsAfter))
        tally.stop.store(true, ordering: .relaxed)
        await submitters.value
        let ids = tally.acknowledged.withLock { $0 }
        // Every acknowledged job must be known and end; each must have started exactly once.
        try await waitUntil("muster bench failover", "every acknowledged job to end", timeout: 600) {
            let active = try await client.jobs(states: ["pending", "running"], limit: 1)
            return active.isEmpty
        }
        let known = try await client.jobs(states: nil, limit: 100_000)
        let byID = Dictionary(known.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let lost = ids.filter { byID[$0] == nil }.count
        var twice = 0
        var started = 0
        for file in try FileManager.default.contentsOfDirectory(atPath: dir + "/marks") where file.hasPrefix("bench-") {
            let lines =
                (try? String(contentsOfFile: dir + "/marks/" + file, encoding: .utf8))?
                .split(separator: "\n").count ?? 0
            started += lines > 0 ? 1 : 0
            if lines > 1 { twice += 1 }
        }
        let across = byID[long]
        let acrossStarts =
            (try? String(contentsOfFile: dir + "/marks/across", encoding: .utf8))?.split(separator: "\n").count ?? 0
        print("muster bench failover: 2 controllers on PostgreSQL (lease \(leaseTTL) s), 2 agents, \(clients) clients")
        print(String(format: "takeover: the standby led %.1f s after the leader's SIGKILL", takeover))
        print(
            "jobs acknowledged: \(ids.count), lost: \(lost), started twice: \(twice), started once: \(started - twice), "
                + "completed: \(known.filter { ids.contains($0.id) && $0.state == "completed" }.count)")
        print(
            "job running across the kill: \(across?.state ?? "missing"), epoch \(across?.epoch ?? 0), "
                + "started \(acrossStarts) time(s)")
    }
}

/// What the submitters share: the ids acknowledged, and when to stop.
final class Tally: Sendable {
    let acknowledged = Mutex<[Int64]>([])
    let stop = Atomic<Bool>(false)
}

extension MusterClient {
    /// Whether the controller answers; the client is shut down either way.
    func healthyAndShutdown() async -> Bool {
        let ok = await healthy()
        await shutdown()
        return ok
    }
}

extension ListenAddress {
    /// A port nothing listens on now (bound to 0 and released).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else { throw ValidationError("cannot find a free port on 127.0.0.1") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
