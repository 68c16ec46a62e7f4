import Foundation
import Logging
import MusterAPI
import MusterClient

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A node agent: registers the node, long-polls for assignments, starts and stops processes, and reports their
/// start and exit over one ordered uplink (reports first, then heartbeats that list what still runs).
public actor Agent {
    /// A process this agent started.
    struct Running {
        var pid: pid_t
        var stopReason: String?
        var timers: [Task<Void, Never>] = []
    }

    public let config: AgentConfig
    let client: MusterClient
    let logger: Logger
    let gpus: [GPUInfo]
    let instance = UUID().uuidString
    let cpus: Int
    let memoryMib: Int
    /// The agent's own environment, the base of every job's.
    let baseEnvironment = ProcessInfo.processInfo.environment
    /// Directories already created (output and checkpoint directories are made once).
    var madeDirectories: Set<String> = []

    var running: [TaskKey: Running] = [:]
    /// Every task ever received, so a re-sent assignment never starts twice.
    var seen: Set<TaskKey> = []
    /// Highest epoch seen per job: older assignments are stale (fencing).
    var epochs: [Int64: Int] = [:]
    var unsent: [TaskReport] = []
    var uplinkWaiter: CheckedContinuation<Void, Never>?
    var heartbeatInterval = 2.0
    var controllerInstance: String?
    var after: Int64 = 0
    var registered = false

    public init(config: AgentConfig, logger: Logger, client: MusterClient? = nil) {
        self.config = config
        self.logger = logger
        self.client = client ?? MusterClient(baseURL: config.controllerURL, connections: 4)
        gpus = GPUDiscovery.discover(fake: config.fakeGPUs)
        cpus = ProcessInfo.processInfo.activeProcessorCount
        memoryMib = Int(ProcessInfo.processInfo.physicalMemory / (1 << 20))
    }

    /// Registers and serves until cancelled; on cancellation stops every process it started when `stopJobs`.
    public func run(stopJobs: Bool = true) async {
        await registerUntilDone()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.pollLoop() }
            group.addTask { await self.uplinkLoop() }
            await group.waitForAll()
        }
        if stopJobs {
            for (key, task) in running {
                logger.info("stopping \(key) at shutdown")
                ProcessLauncher.signalGroup(task.pid, SIGKILL)
            }
        }
        await client.shutdown()
    }

    /// The GPUs this node offers.
    public var inventory: [GPUInfo] { gpus }

    private func registerUntilDone() async {
        var delay = 0.05
        while !Task.isCancelled {
            do {
                let answer = try await client.register(
                    RegisterAgentRequest(
                        name: config.name, gpus: gpus, cpus: cpus, memoryMib: memoryMib, leaf: config.leaf,
                        spine: config.spine, address: config.address, instance: instance))
                heartbeatInterval = answer.heartbeatInterval
                registered = true
                logger.info("registered with \(config.controllerURL) as \(config.name) (\(gpus.count) GPUs)")
                return
            } catch {
                logger.warning("cannot register yet: \(error)")
                try? await Task.sleep(for: .seconds(delay))
                delay = min(2, delay * 2)
            }
        }
    }

    // MARK: Assignments

    private func pollLoop() async {
        var delay = 0.05
        while !Task.isCancelled {
            do {
                let batch = try await client.assignments(
                    node: config.name, after: after, instance: controllerInstance,
                    waitMilliseconds: config.pollMilliseconds)
                delay = 0.05
                controllerInstance = batch.controllerInstance
                after = batch.seq
                handle(batch)
            } catch {
                if Task.isCancelled { return }
                if error.status == 404 { await registerUntilDone() }
                logger.debug("poll failed: \(error)")
                try? await Task.sleep(for: .seconds(delay))
                delay = min(1, delay * 2)
            }
        }
    }

    func handle(_ batch: AssignmentBatch) {
        for assignment in batch.assignments { start(assignment) }
        for kill in batch.kill { stop(kill) }
    }

    func start(_ assignment: Assignment) {
        let key = assignment.task
        guard !seen.contains(key) else { return }
        seen.insert(key)
        if let newest = epochs[key.jobID], newest > key.epoch { return }
        if (epochs[key.jobID] ?? 0) < key.epoch {
            epochs[key.jobID] = key.epoch
            // A newer run of the job supersedes whatever older run still runs here.
            for (old, task) in running where old.jobID == key.jobID && old.epoch < key.epoch {
                terminate(old, task, reason: "superseded by epoch \(key.epoch)", grace: assignment.grace)
            }
        }
        var environment = baseEnvironment
        for (k, v) in assignment.env { environment[k] = v }
        var argv = assignment.argv
        let now = Date().timeIntervalSince1970
        do {
            try makeDirectory((assignment.outputPath as NSString).deletingLastPathComponent)
            if let checkpoint = assignment.env["MUSTER_CHECKPOINT_DIR"] { try? makeDirectory(checkpoint) }
            if let script = assignment.script {
                let path = "\(config.scratchDir)/job-\(key.jobID)-\(key.epoch)-\(key.rank).sh"
                try FileManager.default.createDirectory(atPath: config.scratchDir, withIntermediateDirectories: true)
                try script.write(toFile: path, atomically: true, encoding: .utf8)
                argv = ["/bin/bash", path] + assignment.argv
            }
            let pid = try ChildReaper.shared.start({
                try ProcessLauncher.spawn(
                    argv: argv, workdir: assignment.workdir, environment: environment,
                    output: assignment.outputPath)
            }) { [weak self] code in
                Task { await self?.exited(key, code: code) }
            }
            var task = Running(pid: pid)
            if assignment.timeLimit > 0 {
                let limit = assignment.timeLimit
                let grace = assignment.grace
                task.timers.append(
                    Task { [weak self] in
                        try? await Task.sleep(for: .seconds(Double(limit)))
                        guard !Task.isCancelled else { return }
                        await self?.timeLimitReached(key, limit: limit, grace: grace)
                    })
            }
            running[key] = task
            report(TaskReport(task: key, event: .started, time: now))
        } catch {
            let message = "muster: \(error)\n"
            if let handle = FileHandle(forWritingAtPath: assignment.outputPath)
                ?? (FileManager.default.createFile(atPath: assignment.outputPath, contents: nil)
                    ? FileHandle(forWritingAtPath: assignment.outputPath) : nil)
            {
                _ = try? handle.seekToEnd()
                try? handle.write(contentsOf: Data(message.utf8))
                try? handle.close()
            }
            logger.warning("\(key) did not start: \(error)")
            report(TaskReport(task: key, event: .started, time: now))
            report(TaskReport(task: key, event: .exited, time: now, exitCode: 127, reason: "\(error)"))
        }
    }

    /// mkdir -p, remembering what exists.
    private func makeDirectory(_ path: String) throws {
        guard !madeDirectories.contains(path) else { return }
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        if madeDirectories.count > 10_000 { madeDirectories.removeAll() }
        madeDirectories.insert(path)
    }

    func stop(_ kill: TaskKill) {
        for (key, task) in running where key.jobID == kill.jobID && key.epoch <= kill.epoch {
            terminate(key, task, reason: kill.reason, grace: kill.grace)
        }
    }

    private func timeLimitReached(_ key: TaskKey, limit: Int64, grace: Double) {
        guard let task = running[key] else { return }
        terminate(key, task, reason: "time limit of \(TimeLimitText.format(limit)) reached", grace: grace)
    }

    /// SIGTERM to the process group now, SIGKILL after `grace` seconds if it still runs.
    private func terminate(_ key: TaskKey, _ task: Running, reason: String, grace: Double) {
        guard task.stopReason == nil else { return }
        var task = task
        task.stopReason = reason
        ProcessLauncher.signalGroup(task.pid, SIGTERM)
        let pid = task.pid
        task.timers.append(
            Task { [weak self] in
                try? await Task.sleep(for: .seconds(grace))
                guard !Task.isCancelled else { return }
                await self?.forceKill(key, pid: pid)
            })
        running[key] = task
    }

    private func forceKill(_ key: TaskKey, pid: pid_t) {
        guard running[key]?.pid == pid else { return }
        ProcessLauncher.signalGroup(pid, SIGKILL)
    }

    func exited(_ key: TaskKey, code: Int32) {
        guard let task = running.removeValue(forKey: key) else { return }
        for timer in task.timers { timer.cancel() }
        // Leftover children of the rank die with it.
        ProcessLauncher.signalGroup(task.pid, SIGKILL)
        report(
            TaskReport(
                task: key, event: .exited, time: Date().timeIntervalSince1970, exitCode: code,
                reason: task.stopReason.map { "\($0) (exit code \(code))" }))
    }

    // MARK: Uplink

    func report(_ report: TaskReport) {
        unsent.append(report)
        if let waiter = uplinkWaiter {
            uplinkWaiter = nil
            waiter.resume()
        }
    }

    private func uplinkLoop() async {
        var nextHeartbeat = Date().timeIntervalSince1970
        var delay = 0.05
        while !Task.isCancelled {
            let now = Date().timeIntervalSince1970
            if unsent.isEmpty && now < nextHeartbeat {
                let wait = nextHeartbeat - now
                let timer = Task { [weak self] in
                    try? await Task.sleep(for: .seconds(wait))
                    await self?.wakeUplink()
                }
                await withCheckedContinuation { uplinkWaiter = $0 }
                timer.cancel()
                continue
            }
            let reports = unsent
            do {
                if Date().timeIntervalSince1970 >= nextHeartbeat {
                    let beat = Heartbeat(
                        name: config.name, instance: instance, running: running.keys.sorted { $0.jobID < $1.jobID },
                        reports: reports)
                    let answer = try await client.heartbeat(beat)
                    unsent.removeFirst(min(reports.count, unsent.count))
                    nextHeartbeat = Date().timeIntervalSince1970 + heartbeatInterval
                    for kill in answer.kill { stop(kill) }
                    if answer.reregister { await registerUntilDone() }
                } else {
                    try await client.report(node: config.name, reports)
                    unsent.removeFirst(min(reports.count, unsent.count))
                }
                delay = 0.05
            } catch {
                if Task.isCancelled { return }
                if error.status == 404 { await registerUntilDone() }
                logger.debug("uplink failed: \(error)")
                try? await Task.sleep(for: .seconds(delay))
                delay = min(1, delay * 2)
            }
        }
    }

    private func wakeUplink() {
        if let waiter = uplinkWaiter {
            uplinkWaiter = nil
            waiter.resume()
        }
    }
}
