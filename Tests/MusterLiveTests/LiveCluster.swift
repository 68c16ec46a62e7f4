import Foundation
import MusterAPI
import MusterClient
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A real cluster for end-to-end tests: the built `muster controller` and `muster agent` processes on 127.0.0.1,
/// fake GPUs, a free port, state in a temporary directory. `stop()` kills every process it started.
final class LiveCluster: @unchecked Sendable {
    struct Timeout: Error, CustomStringConvertible {
        var description: String
    }

    let dir: String
    let heartbeatTimeout: Double
    let gpusPerAgent: Int
    var port = 0
    private(set) var controller: Process?
    /// More arguments for `muster controller` (e.g. `--config FILE`).
    var controllerExtra: [String] = []
    private(set) var agents: [String: Process] = [:]
    private(set) var relays: [String: Process] = [:]
    private(set) var client: MusterClient!

    /// The address the controller listens on (another network namespace reaches it there).
    let host: String
    /// This cluster's MASTER_PORT range (and so its replicas' MUSTER_PORTs): clusters of tests running at once
    /// share 127.0.0.1, so each gets its own 100 ports.
    let masterPorts: ClosedRange<Int>
    private static let clusters = Mutex(0)
    var url: String { "http://\(host):\(port)" }

    /// The `muster` executable next to the test bundle.
    static let executable: String = {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        var dir = (exe as NSString).deletingLastPathComponent
        if !FileManager.default.isExecutableFile(atPath: dir + "/muster") {
            dir = FileManager.default.currentDirectoryPath + "/.build-live/debug"
        }
        return dir + "/muster"
    }()

    init(gpusPerAgent: Int, heartbeatTimeout: Double, host: String = "127.0.0.1") {
        dir = NSTemporaryDirectory() + "muster-live-" + UUID().uuidString.prefix(8).lowercased()
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        self.host = host
        self.heartbeatTimeout = heartbeatTimeout
        self.gpusPerAgent = gpusPerAgent
        let n = Self.clusters.withLock { n in
            defer { n += 1 }
            return n
        }
        let first = 20_000 + (n % 90) * 100
        masterPorts = first...(first + 99)
    }

    /// A controller (with `controllerExtra` arguments) and `agents` agents named node-a, node-b, ... all up.
    static func start(
        agents: Int = 2, gpusPerAgent: Int = 4, heartbeatTimeout: Double = 2, controllerExtra: [String] = []
    ) async throws -> LiveCluster {
        let cluster = LiveCluster(gpusPerAgent: gpusPerAgent, heartbeatTimeout: heartbeatTimeout)
        cluster.controllerExtra = controllerExtra
        do {
            try await cluster.startController()
            for i in 0..<agents { try cluster.startAgent("node-" + String(UnicodeScalar(97 + i)!)) }
            try await cluster.waitForNodes(up: agents)
        } catch {
            cluster.stop()
            throw error
        }
        return cluster
    }

    func startController() async throws {
        let portFile = dir + "/port"
        try? FileManager.default.removeItem(atPath: portFile)
        controller = try spawn(
            [
                "controller", "--data", dir + "/data", "--listen", "\(host):\(port)", "--port-file", portFile,
                "--heartbeat-timeout", "\(heartbeatTimeout)", "--kill-grace", "1", "--requeue-backoff", "1",
                "--master-ports", "\(masterPorts.lowerBound)-\(masterPorts.upperBound)",
            ] + controllerExtra, log: "controller.log")
        if port == 0 {
            port = try await waitFor("the controller's port file", timeout: 30) {
                (try? String(contentsOfFile: portFile, encoding: .utf8)).flatMap {
                    Int($0.trimmingCharacters(in: .whitespacesAndNewlines))
                }
            }
        }
        if client == nil {
            // A fixed port (set before the first start) has no port file to wait for: wait for the token instead.
            _ = try await waitFor("the controller's admin token", timeout: 30) {
                (try? adminToken()).flatMap { $0.isEmpty ? nil : $0 }
            }
            client = MusterClient(baseURL: url, token: try adminToken(), connections: 4)
        }
        _ = try await waitFor("the controller to answer /healthz", timeout: 30) {
            await self.client.healthy() ? true : nil
        }
    }

    /// Starts agent `name`; `wrapper` (a program and its first arguments) runs it elsewhere, e.g. in other
    /// namespaces, and must exec it in place so that its pid is the agent's. `stateDir` defaults to
    /// `<dir>/agent-<name>`.
    func startAgent(
        _ name: String, wrapper: [String] = [], stateDir: String? = nil, extra: [String] = [], controller: String? = nil
    ) throws {
        let arguments =
            [
                "agent", "--controller", controller ?? url, "--name", name, "--fake-gpus", "\(gpusPerAgent)",
                "--poll-ms", "2000",
                "--join-token-file", dir + "/data/join.token", "--state-dir", stateDir ?? (dir + "/agent-\(name)"),
            ] + extra
        if let program = wrapper.first {
            agents[name] = try spawn(
                Array(wrapper.dropFirst()) + [Self.executable] + arguments, log: "agent-\(name).log",
                executable: program)
        } else {
            agents[name] = try spawn(arguments, log: "agent-\(name).log")
        }
    }

    /// Starts `muster relay` named `name` in front of the controller; returns the URL its agents use.
    func startRelay(_ name: String) async throws -> String {
        let log = "relay-\(name).log"
        relays[name] = try spawn(
            [
                "relay", "--controller", url, "--listen", "\(host):0", "--name", name, "--join-token-file",
                dir + "/data/join.token",
            ], log: log)
        let port = try await waitFor("relay \(name) to listen", timeout: 30) { () -> Int? in
            let text = (try? String(contentsOfFile: dir + "/" + log, encoding: .utf8)) ?? ""
            guard let line = text.split(separator: "\n").first(where: { $0.contains("listening on") }) else {
                return nil
            }
            return line.split(separator: ":").last.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        }
        return "http://\(host):\(port)"
    }

    /// An operator's health script for the agents (`--health-script`): it fails with `message` on the node named
    /// in a file `sick-NODE` of the test's directory, and passes elsewhere.
    func healthScript(failing message: String) throws -> String {
        let script = dir + "/health.sh"
        try """
        #!/bin/sh
        if [ -e \(dir)/sick-$MUSTER_NODE_NAME ]; then echo "\(message)"; exit 1; fi
        exit 0
        """.write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        return script
    }

    /// The admin token the controller wrote on its first start.
    func adminToken() throws -> String {
        try String(contentsOfFile: dir + "/data/token", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A client acting with `token`.
    func client(token: String) -> MusterClient {
        MusterClient(baseURL: url, token: token, connections: 2)
    }

    /// SIGKILL, and wait until it is gone.
    func killController() {
        guard let controller else { return }
        kill(controller.processIdentifier, SIGKILL)
        controller.waitUntilExit()
        self.controller = nil
    }

    /// SIGKILL relay `name`, and wait until it is gone.
    func killRelay(_ name: String) {
        guard let relay = relays.removeValue(forKey: name) else { return }
        kill(relay.processIdentifier, SIGKILL)
        relay.waitUntilExit()
    }

    func killAgent(_ name: String) {
        guard let agent = agents.removeValue(forKey: name) else { return }
        kill(agent.processIdentifier, SIGKILL)
        agent.waitUntilExit()
    }

    func stop() {
        for (_, agent) in agents where agent.isRunning { kill(agent.processIdentifier, SIGKILL) }
        for (_, relay) in relays where relay.isRunning { kill(relay.processIdentifier, SIGKILL) }
        for (_, relay) in relays { relay.waitUntilExit() }
        relays = [:]
        if let controller, controller.isRunning { kill(controller.processIdentifier, SIGKILL) }
        for (_, agent) in agents { agent.waitUntilExit() }
        controller?.waitUntilExit()
        agents = [:]
        controller = nil
        if let client {
            // Not waited for: `stop` runs on a cooperative thread, and blocking it on a semaphore until a task on
            // the same pool has shut the client down deadlocks when two tests stop at once on a 2-core machine.
            Task { await client.shutdown() }
        }
        // MUSTER_KEEP_TEST_DIRS=1 keeps the logs and data of every live test, to read after a failure.
        if ProcessInfo.processInfo.environment["MUSTER_KEEP_TEST_DIRS"] == nil {
            try? FileManager.default.removeItem(atPath: dir)
        }
    }

    // MARK: Waiting

    /// Polls `probe` every 50 ms until it returns a value; throws `Timeout` (with the controller's log tail).
    func waitFor<T>(_ what: String, timeout: Double, _ probe: () async throws -> T?) async throws -> T {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let value = try? await probe() { return value }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw Timeout(description: "timed out after \(timeout) s waiting for \(what)\n" + logTail("controller.log"))
    }

    func waitForNodes(up count: Int, timeout: Double = 30) async throws {
        _ = try await waitFor("\(count) nodes up", timeout: timeout) {
            try await client.nodes().filter { $0.state == "up" }.count >= count ? true : nil
        }
    }

    /// Waits until the job is in one of `states`.
    @discardableResult
    func waitForJob(_ id: Int64, _ states: Set<String>, timeout: Double = 30) async throws -> JobInfo {
        try await waitFor("job \(id) to be \(states.sorted())", timeout: timeout) {
            let job = try await client.job(id)
            return states.contains(job.state) ? job : nil
        }
    }

    /// Everything rank `rank` wrote so far.
    func logs(_ id: Int64, rank: Int = 0) async throws -> String {
        var text = ""
        var offset: Int64 = 0
        while true {
            let chunk = try await client.logs(id, rank: rank, offset: offset)
            text += chunk.data
            if chunk.nextOffset == offset { return text }
            offset = chunk.nextOffset
        }
    }

    /// Waits until rank `rank`'s output contains `needle`.
    func waitForLog(_ id: Int64, rank: Int = 0, contains needle: String, timeout: Double = 20) async throws {
        _ = try await waitFor("'\(needle)' in job \(id) rank \(rank)'s output", timeout: timeout) {
            try await logs(id, rank: rank).contains(needle) ? true : nil
        }
    }

    // MARK: Processes

    /// Runs the `muster` CLI (or `program`, e.g. a link named `sbatch`) to completion (30 s at most), with `env`
    /// over the test's environment, and returns its status and output.
    func cli(
        _ arguments: [String], cwd: String, program: String = LiveCluster.executable, env extra: [String: String] = [:]
    ) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: cwd)
        var env = ProcessInfo.processInfo.environment
        env["MUSTER_URL"] = url
        env["MUSTER_TOKEN"] = try adminToken()
        env.merge(extra) { _, new in new }
        process.environment = env
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let timer = DispatchWorkItem { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 30, execute: timer)
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        timer.cancel()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    func logTail(_ name: String, lines: Int = 30) -> String {
        let text = (try? String(contentsOfFile: dir + "/" + name, encoding: .utf8)) ?? ""
        return "--- \(name) ---\n" + text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }

    func spawn(_ arguments: [String], log: String, executable: String = LiveCluster.executable) throws
        -> Process
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let path = dir + "/" + log
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        handle.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Submits a 4-GPU job that may be requeued `maxRestarts` times; each start appends "RESTARTS NODE" to the
    /// returned marker file. Returns once it runs.
    func startRequeueable(maxRestarts: Int) async throws -> (id: Int64, first: JobInfo, marker: String) {
        let marker = dir + "/starts"
        var request = self.request(
            ["/bin/sh", "-c", "echo $MUSTER_RESTART_COUNT $MUSTER_NODE_NAME >> \(marker); sleep 20"], gpus: 4)
        request.maxRestarts = maxRestarts
        let id = try await client.submit(request)
        return (id, try await waitForJob(id, ["running"]), marker)
    }

    /// Waits until job `id` runs again after its first requeue.
    func waitForRestart(_ id: Int64, timeout: Double) async throws -> JobInfo {
        try await waitFor("the restart", timeout: timeout) { () async throws -> JobInfo? in
            let job = try await self.client.job(id)
            return job.state == "running" && job.restarts == 1 ? job : nil
        }
    }

    /// A submit request running `command` in the test's directory.
    func request(
        _ command: [String], gpus: Int = 1, nodes: Int? = nil, tasksPerNode: Int? = nil, timeLimit: Int64? = nil,
        name: String? = nil
    ) -> SubmitRequest {
        SubmitRequest(
            name: name, gpus: gpus, nodes: nodes, tasksPerNode: tasksPerNode, timeLimit: timeLimit,
            command: command, workdir: dir,
            env: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"])
    }
}
