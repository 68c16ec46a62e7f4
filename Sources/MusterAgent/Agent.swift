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
        /// `MUSTER_PREEMPT_FILE`, written (as `owner`) before SIGTERM when the task is preempted.
        var preemptFile: String?
        var owner: (uid: uid_t, gid: gid_t)?
        /// `MUSTER_CHECKPOINT_DIR` and the newest checkpoint time reported from it.
        var checkpointDir: String?
        var reportedCheckpoint: Double = 0
    }

    public let config: AgentConfig
    let client: MusterClient
    let logger: Logger
    let gpus: [GPUInfo]
    let instance = UUID().uuidString
    let cpus: Int
    let memoryMib: Int
    /// The agent's own environment less its `MUSTER_*` settings (tokens), the base of `--export all` jobs.
    let baseEnvironment: [String: String]
    /// Directories already created (output and checkpoint directories are made once).
    var madeDirectories: Set<String> = []

    var running: [TaskKey: Running] = [:]
    /// Tasks that exited but whose exit is not reported yet (their output is still uploading): heartbeats list
    /// them as running, so the controller does not take them for lost.
    var finishing: Set<TaskKey> = []
    /// Every task ever received, so a re-sent assignment never starts twice.
    var seen: Set<TaskKey> = []
    /// Highest epoch seen per job: older assignments are stale (fencing).
    var epochs: [Int64: Int] = [:]
    var unsent: [TaskReport] = []
    var uplinkWaiter: CheckedContinuation<Void, Never>?
    var heartbeatInterval = 2.0
    /// Why the last health check failed; nil while healthy (sent with every heartbeat).
    var healthFailure: String?
    /// Send a heartbeat now (the health changed).
    var forceHeartbeat = false
    var controllerInstance: String?
    var after: Int64 = 0
    var registered = false

    /// Bytes of each task's output already uploaded to the controller, and where that output is.
    var uploads: [TaskKey: (path: String, offset: Int64)] = [:]
    var logWaiter: CheckedContinuation<Void, Never>?

    public init(config: AgentConfig, logger: Logger, client: MusterClient? = nil) {
        self.config = config
        self.logger = logger
        self.client = client ?? MusterClient(baseURL: config.controllerURL, connections: 4)
        var base = ProcessInfo.processInfo.environment
        for key in base.keys where key.hasPrefix("MUSTER_") { base.removeValue(forKey: key) }
        baseEnvironment = base
        gpus = GPUDiscovery.discover(fake: config.fakeGPUs)
        cpus = ProcessInfo.processInfo.activeProcessorCount
        memoryMib = Int(ProcessInfo.processInfo.physicalMemory / (1 << 20))
    }

    /// Registers and serves until cancelled; on cancellation stops every process it started when `stopJobs`.
    public func run(stopJobs: Bool = true) async {
        prepareStateDirectory()
        await registerUntilDone()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.pollLoop() }
            group.addTask { await self.uplinkLoop() }
            group.addTask { await self.logLoop() }
            group.addTask { await self.healthLoop() }
            await group.waitForAll()
        }
        if stopJobs {
            for (key, task) in running {
                logger.info("stopping \(key) at shutdown")
                ProcessLauncher.signalGroup(task.pid, SIGKILL)
                TaskRecord.remove(key, in: config.taskDir)
            }
        }
        await client.shutdown()
    }

    /// Makes the agent's directory (owner-only) and stops whatever a killed predecessor left running.
    private func prepareStateDirectory() {
        for dir in [config.stateDir, config.scriptDir, config.taskDir, config.logDir] {
            try? FileManager.default.createDirectory(
                atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        chmod(config.stateDir, 0o700)
        let stopped = TaskRecord.stopLeftovers(in: config.taskDir)
        if !stopped.isEmpty {
            logger.warning("stopped \(stopped.count) task(s) left by an earlier agent: \(stopped)")
        }
    }

    /// The GPUs this node offers.
    public var inventory: [GPUInfo] { gpus }

    private func registerUntilDone() async {
        var delay = 0.05
        while !Task.isCancelled {
            do {
                client.setToken(config.joinToken)
                let answer = try await client.register(
                    RegisterAgentRequest(
                        name: config.name, gpus: gpus, cpus: cpus, memoryMib: memoryMib, leaf: config.leaf,
                        spine: config.spine, address: config.address, instance: instance))
                heartbeatInterval = answer.heartbeatInterval
                client.setToken(answer.agentToken)
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
                if error.status == 404 || error.status == 401 { await registerUntilDone() }
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
        let output = outputPath(assignment)
        let now = Date().timeIntervalSince1970
        do {
            let identity = try RunAs.resolve(assignment.user)
            var environment: [String: String]
            if assignment.export == "none" {
                environment = ["PATH": "/usr/local/bin:/usr/bin:/bin"]
            } else {
                environment = baseEnvironment
            }
            if let identity {
                environment["HOME"] = identity.home
                environment["USER"] = identity.user
                environment["LOGNAME"] = identity.user
            }
            for (k, v) in assignment.env { environment[k] = v }
            // srun inside the job reaches the controller where this agent does.
            if assignment.env["MUSTER_STEP_TOKEN"] != nil { environment["MUSTER_URL"] = config.controllerURL }
            var argv = assignment.argv
            try makeDirectory((output as NSString).deletingLastPathComponent, owner: identity)
            if let checkpoint = assignment.env["MUSTER_CHECKPOINT_DIR"] {
                try? makeDirectory(checkpoint, owner: identity)
            }
            try prepareOutput(output, owner: identity, jobWorkdir: assignment.workdir)
            if let script = assignment.script {
                let path = "\(config.scriptDir)/job-\(key.jobID)-\(key.epoch)-\(key.rank).sh"
                _ = FileManager.default.createFile(
                    atPath: path, contents: Data(script.utf8), attributes: [.posixPermissions: 0o700])
                if let identity { chown(path, identity.uid, identity.gid) }
                argv = ["/bin/bash", path] + assignment.argv
            }
            // Another user: setpriv changes user first, then env -C enters the workdir as that user.
            let switching = identity.map { $0.uid != geteuid() } ?? false
            if switching, let identity {
                argv = identity.wrap(["/usr/bin/env", "-C", assignment.workdir, "--"] + argv)
            }
            let pid = try ChildReaper.shared.start({
                try ProcessLauncher.spawn(
                    argv: argv, workdir: switching ? "/" : assignment.workdir, environment: environment,
                    output: output)
            }) { [weak self] code in
                Task { await self?.exited(key, code: code) }
            }
            TaskRecord(task: key, pid: pid, startTicks: TaskRecord.startTicks(of: pid) ?? 0).write(in: config.taskDir)
            var task = Running(pid: pid)
            task.preemptFile = assignment.env["MUSTER_PREEMPT_FILE"]
            task.checkpointDir = assignment.env["MUSTER_CHECKPOINT_DIR"]
            task.owner = identity.map { ($0.uid, $0.gid) }
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
            uploads[key] = (output, 0)
            wakeLogLoop()
            report(TaskReport(task: key, event: .started, time: now))
        } catch {
            let message = "muster: \(error)\n"
            if let handle = FileHandle(forWritingAtPath: output)
                ?? (FileManager.default.createFile(
                    atPath: output, contents: nil, attributes: [.posixPermissions: 0o600])
                    ? FileHandle(forWritingAtPath: output) : nil)
            {
                _ = try? handle.seekToEnd()
                try? handle.write(contentsOf: Data(message.utf8))
                try? handle.close()
            }
            logger.warning("\(key) did not start: \(error)")
            uploads[key] = (output, 0)
            report(TaskReport(task: key, event: .started, time: now))
            let code: Int32 = 127
            let reason = "\(error)"
            finishing.insert(key)
            Task {
                await self.flushLog(key)
                self.finishing.remove(key)
                self.report(TaskReport(task: key, event: .exited, time: now, exitCode: code, reason: reason))
            }
        }
    }

    /// Where a rank's output goes on this node: the user's pattern (`%j`, `%t`, `%x`, `%N`, and for an array's
    /// task `%A` and `%a`; relative to the workdir), or `<state>/logs/<job>/rank-<rank>.out`; a step task's
    /// always `<state>/logs/<job>/step-<epoch>.<step>-task-<task>.out` (srun forwards it).
    func outputPath(_ assignment: Assignment) -> String {
        let key = assignment.task
        if let step = key.step { return "\(config.logDir)/\(key.jobID)/step-\(key.epoch).\(step)-task-\(key.rank).out" }
        guard let pattern = assignment.output else { return "\(config.logDir)/\(key.jobID)/rank-\(key.rank).out" }
        let expanded =
            pattern
            .replacingOccurrences(of: "%j", with: "\(key.jobID)")
            .replacingOccurrences(of: "%t", with: "\(key.rank)")
            .replacingOccurrences(of: "%x", with: assignment.name)
            .replacingOccurrences(of: "%N", with: config.name)
            .replacingOccurrences(of: "%A", with: assignment.env["MUSTER_ARRAY_JOB_ID"] ?? "\(key.jobID)")
            .replacingOccurrences(of: "%a", with: assignment.env["MUSTER_ARRAY_TASK_ID"] ?? "0")
        return expanded.hasPrefix("/") ? expanded : assignment.workdir + "/" + expanded
    }

    /// Creates the output file as its user would: the agent (root) opens it for the job, so a path is accepted
    /// only inside the job's workdir, the user's home or the agent's log directory, and never through a symbolic
    /// link; a new file belongs to the user and is readable by them only.
    private func prepareOutput(_ path: String, owner: RunAs?, jobWorkdir: String) throws {
        guard let owner, owner.uid != geteuid() else { return }
        let parent = ((path as NSString).deletingLastPathComponent as NSString).resolvingSymlinksInPath
        var roots = [config.logDir, owner.home]
        // The workdir too, when it is the user's own.
        var workdir = stat()
        if stat(jobWorkdir, &workdir) == 0, workdir.st_uid == owner.uid { roots.append(jobWorkdir) }
        roots = roots.map { ($0 as NSString).resolvingSymlinksInPath }
        guard roots.contains(where: { parent == $0 || parent.hasPrefix($0 + "/") }) else {
            throw RunAs.Refusal(
                description: "output \(path) is outside the allowed roots (your home \(owner.home) or the default "
                    + "log directory); pick a path under your home")
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw RunAs.Refusal(description: "cannot open output \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            throw RunAs.Refusal(description: "output \(path) is not a regular file")
        }
        if info.st_uid != owner.uid && info.st_uid != 0 {
            throw RunAs.Refusal(description: "output \(path) belongs to another user")
        }
        fchown(fd, owner.uid, owner.gid)
    }

    /// mkdir -p, remembering what exists; a new directory belongs to `owner` (when the agent runs jobs as users).
    private func makeDirectory(_ path: String, owner: RunAs? = nil) throws {
        guard !madeDirectories.contains(path) else { return }
        if mkdir(path, 0o700) != 0 {
            if errno != EEXIST {
                try FileManager.default.createDirectory(
                    atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            }
        }
        if let owner { chown(path, owner.uid, owner.gid) }
        if madeDirectories.count > 10_000 { madeDirectories.removeAll() }
        madeDirectories.insert(path)
    }

    func stop(_ kill: TaskKill) {
        for (key, task) in running where key.jobID == kill.jobID && key.epoch <= kill.epoch {
            if kill.preempt == true, key.epoch == kill.epoch, let path = task.preemptFile {
                // The program can tell preemption from other ends: the file is there before the signal.
                if FileManager.default.createFile(atPath: path, contents: Data((kill.reason + "\n").utf8)),
                    let owner = task.owner
                {
                    chown(path, owner.uid, owner.gid)
                }
            }
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
        TaskRecord.remove(key, in: config.taskDir)
        let time = Date().timeIntervalSince1970
        let reason = task.stopReason.map { "\($0) (exit code \(code))" }
        // The output reaches the controller before the exit does, so `muster logs` of an ended job is whole.
        finishing.insert(key)
        Task {
            await flushLog(key)
            finishing.remove(key)
            report(TaskReport(task: key, event: .exited, time: time, exitCode: code, reason: reason))
        }
    }

    // MARK: Logs

    /// Uploads new output of running tasks about once a second; sleeps while nothing runs.
    private func logLoop() async {
        while !Task.isCancelled {
            if running.isEmpty {
                await withTaskCancellationHandler {
                    await withCheckedContinuation { continuation in
                        if Task.isCancelled { continuation.resume() } else { logWaiter = continuation }
                    }
                } onCancel: {
                    Task { await self.wakeLogLoop() }
                }
                continue
            }
            for key in running.keys.sorted(by: { ($0.jobID, $0.rank) < ($1.jobID, $1.rank) }) {
                await upload(key)
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    private func wakeLogLoop() {
        if let waiter = logWaiter {
            logWaiter = nil
            waiter.resume()
        }
    }

    /// Uploads everything not yet sent of a task's output, then forgets it.
    func flushLog(_ key: TaskKey) async {
        for _ in 0..<64 {
            guard await upload(key) else { break }
        }
        uploads.removeValue(forKey: key)
    }

    /// Uploads the next piece (at most 768 KiB) of a task's output; true if there may be more.
    @discardableResult
    private func upload(_ key: TaskKey) async -> Bool {
        guard let (path, offset) = uploads[key], let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        guard (try? handle.seek(toOffset: UInt64(offset))) != nil,
            let data = try? handle.read(upToCount: 768 << 10), !data.isEmpty
        else { return false }
        do {
            try await client.uploadLog(
                node: config.name, LogUpload(task: key, offset: offset, data: data.base64EncodedString()))
            if let current = uploads[key], current.offset == offset {
                uploads[key] = (path, offset + Int64(data.count))
            }
            return data.count == 768 << 10
        } catch {
            logger.debug("log upload of \(key) failed: \(error)")
            return false
        }
    }

    // MARK: Uplink

    func report(_ report: TaskReport) {
        unsent.append(report)
        if let waiter = uplinkWaiter {
            uplinkWaiter = nil
            waiter.resume()
        }
    }

    /// Runs the health script (if any) and, on real GPUs, the agent's own `nvidia-smi` check (`GPUHealth`) every
    /// `healthInterval` seconds; a change is sent at once.
    private func healthLoop() async {
        let realGPUs = config.fakeGPUs == nil && !gpus.isEmpty
        guard config.healthScript != nil || realGPUs else { return }
        let check = config.healthScript.map { HealthCheck(script: $0, node: config.name, timeout: 60) }
        let expected = gpus.map(\.uuid)
        while !Task.isCancelled {
            var failures: [String] = []
            if let check, let failure = await check.run() { failures.append(failure) }
            if realGPUs, let failure = GPUHealth.check(expected: expected) { failures.append(failure) }
            let failure = failures.isEmpty ? nil : failures.joined(separator: "; ")
            if failure != healthFailure {
                healthFailure = failure
                if let failure { logger.warning("health check failed: \(failure)") }
                forceHeartbeat = true
                wakeUplink()
            }
            try? await Task.sleep(for: .seconds(max(0.1, config.healthInterval)))
        }
    }

    private func uplinkLoop() async {
        var nextHeartbeat = Date().timeIntervalSince1970
        var delay = 0.05
        while !Task.isCancelled {
            let now = Date().timeIntervalSince1970
            if forceHeartbeat {
                forceHeartbeat = false
                nextHeartbeat = now
            }
            if unsent.isEmpty && now < nextHeartbeat {
                let wait = nextHeartbeat - now
                let timer = Task { [weak self] in
                    try? await Task.sleep(for: .seconds(wait))
                    // A cancelled timer must not wake the next wait early (that made the loop spin).
                    guard !Task.isCancelled else { return }
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
                        name: config.name, instance: instance,
                        running: (Array(running.keys) + finishing).sorted { ($0.jobID, $0.rank) < ($1.jobID, $1.rank) },
                        reports: reports, healthFailure: healthFailure, checkpoints: newCheckpoints(),
                        time: Date().timeIntervalSince1970)
                    let answer = try await client.heartbeat(beat)
                    unsent.removeFirst(min(reports.count, unsent.count))
                    nextHeartbeat = Date().timeIntervalSince1970 + heartbeatInterval
                    if let interval = answer.interval, interval.isFinite, interval > 0 {
                        heartbeatInterval = min(interval, 3_600)
                        nextHeartbeat = Date().timeIntervalSince1970 + heartbeatInterval
                    }
                    for kill in answer.kill { stop(kill) }
                    if answer.reregister { await registerUntilDone() }
                } else {
                    try await client.report(node: config.name, reports)
                    unsent.removeFirst(min(reports.count, unsent.count))
                }
                delay = 0.05
            } catch {
                if Task.isCancelled { return }
                if error.status == 404 || error.status == 401 { await registerUntilDone() }
                logger.debug("uplink failed: \(error)")
                try? await Task.sleep(for: .seconds(delay))
                delay = min(1, delay * 2)
            }
        }
    }

    /// Checkpoints written since the last heartbeat: per job attempt on this node (its lowest rank here), the
    /// newest modification time among the entries of its checkpoint directory, when newer than the last reported.
    private func newCheckpoints() -> [CheckpointReport]? {
        var out: [CheckpointReport] = []
        var seen: Set<TaskKey> = []
        for key in running.keys.sorted(by: { ($0.jobID, $0.rank) < ($1.jobID, $1.rank) }) {
            guard let dir = running[key]?.checkpointDir,
                seen.insert(TaskKey(jobID: key.jobID, epoch: key.epoch, rank: 0)).inserted,
                let newest = Self.newestModification(in: dir), newest > running[key]!.reportedCheckpoint
            else { continue }
            running[key]!.reportedCheckpoint = newest
            out.append(CheckpointReport(task: key, time: newest))
        }
        return out.isEmpty ? nil : out
    }

    /// The newest modification time (Unix seconds) of the entries of `dir`, the preemption notices left out;
    /// nil when it is empty or unreadable. Looks at the first 10,000 entries at most.
    static func newestModification(in dir: String) -> Double? {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return nil }
        var newest: Double?
        for name in names.prefix(10_000) where !name.hasPrefix(".preempted-") {
            var info = stat()
            guard stat(dir + "/" + name, &info) == 0 else { continue }
            let t = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
            newest = max(newest ?? t, t)
        }
        return newest
    }

    private func wakeUplink() {
        if let waiter = uplinkWaiter {
            uplinkWaiter = nil
            waiter.resume()
        }
    }
}
