import ArgumentParser
import Foundation
import MusterAPI
import MusterClient
import MusterCore
import MusterServer
import Synchronization

/// One phase of `muster bench serve`: its own in-process cluster, the service, the load and what was seen.
struct ServeBenchPhase {
    let options: BenchServeCommand
    /// Fill the cluster with preemptible training first (phase `preempt`).
    let full: Bool

    /// What the monitor saw at one moment, seconds from the load's start.
    struct Sample: Sendable, Codable {
        var at: Double
        var desired: Int
        var ready: Int
    }

    /// What the monitor knows of the training jobs.
    struct Training: Sendable {
        var jobs: [Int64] = []
        /// Jobs preempted at least once, and those of them whose program said it resumed from its checkpoint.
        var victims: Set<Int64> = []
        var resumed: Set<Int64> = []
        var allRunning = false
    }

    func run() async throws -> ServePhaseReport {
        let dir = NSTemporaryDirectory() + "muster-bench-serve-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let pids = dir + "/pids"
        try FileManager.default.createDirectory(atPath: pids, withIntermediateDirectories: true)
        var sharing = SharingPolicy()
        // Training may be preempted once it has run 30 s (research's default is 300 s), so the bench need not wait.
        sharing.classes = sharing.classes.map { c in
            var c = c
            if c.name == "research" { c.minRuntime = 30 }
            return c
        }
        let logger = LoggingSetup.logger("muster.bench", level: .warning)
        let server = try await ServerStartup.open(
            config: ControllerConfig(dataDir: dir, sharing: sharing), logger: logger)
        let (url, token, cluster) = try await LocalCluster.start(
            server: server, agents: options.agents, gpus: options.gpusPerAgent, logger: logger)
        let client = MusterClient(baseURL: url, token: token, connections: 1_024)
        let grace = sharing.classNamed("research")?.grace ?? 30
        do {
            let report = try await measure(client, pids: pids, grace: grace)
            await Self.cleanUp(client, pids: pids)
            cluster.cancel()
            _ = await cluster.result
            return report
        } catch {
            await Self.cleanUp(client, pids: pids)
            cluster.cancel()
            _ = await cluster.result
            throw error
        }
    }

    /// Sets up the phase, runs the load and reads what happened.
    func measure(_ client: MusterClient, pids: String, grace: Double) async throws -> ServePhaseReport {
        let o = options
        let total = o.agents * o.gpusPerAgent
        try await waitUntil("muster bench serve", "\(o.agents) agents up", timeout: 60) {
            try await client.nodes().filter { $0.state == "up" }.count == o.agents
        }
        let cwd = FileManager.default.currentDirectoryPath
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("MUSTER_") }
        env["HF_HUB_OFFLINE"] = "1"
        var training = Training()
        var trainingStarted: Date?
        if full {
            var trainEnv = env
            trainEnv["MUSTER_TRAIN_CKPT_S"] = "\(o.checkpointEvery)"
            for i in 0..<(total - 1) {
                training.jobs.append(
                    try await client.submit(
                        SubmitRequest(
                            name: "train-\(i)", gpus: 1, timeLimit: 86_400, priority: "research",
                            command: [o.python, absolutePath(o.trainer)], workdir: cwd, env: trainEnv)))
            }
            let jobs = training.jobs
            try await waitUntil("muster bench serve", "\(jobs.count) training jobs running", timeout: 60) {
                try await client.jobs(states: ["running"]).filter { jobs.contains($0.id) }.count == jobs.count
            }
            trainingStarted = Date()
        }
        var replicaEnv = env
        replicaEnv["MUSTER_EMBED_MIN_MS"] = "\(o.minMs)"
        replicaEnv["MUSTER_EMBED_PID_DIR"] = pids
        let replica = SubmitRequest(
            name: "embed", gpus: 1, priority: "serving", command: [o.python, absolutePath(o.server)], workdir: cwd,
            env: replicaEnv)
        _ = try await client.createService(
            ServiceRequest(
                name: "embed", replica: replica, minReplicas: 1, maxReplicas: o.maxReplicas,
                targetInflight: o.targetInflight, maxInflight: o.maxInflight, maxQueue: o.maxQueue))
        try await waitUntil("muster bench serve", "the first replica ready", timeout: 300) {
            try await client.service("embed").ready == 1
        }
        if let trainingStarted {
            // Past research's 30 s minimum runtime, so that every training job may be a victim.
            let wait = 32 - Date().timeIntervalSince(trainingStarted)
            if wait > 0 { try await Task.sleep(for: .seconds(wait)) }
        }

        let stepEnd = o.before + o.hold
        let load = OpenLoopLoad(segments: [
            .init(rate: o.low, seconds: o.before), .init(rate: o.high, seconds: o.hold),
            .init(rate: o.low, seconds: full ? o.settle : o.after),
        ])
        let (full, before) = (self.full, o.before)
        let settled = Atomic<Bool>(false)
        let samples = Mutex<[Sample]>([])
        let known = Mutex(training)
        let start = Date()
        let monitor = Task {
            while !Task.isCancelled {
                let at = Date().timeIntervalSince(start)
                if let info = try? await client.service("embed") {
                    samples.withLock { $0.append(Sample(at: at, desired: info.desired, ready: info.ready)) }
                    if full, at > stepEnd, info.desired == 1, info.ready == 1 {
                        let seen = await Self.watchTraining(client, known.withLock { $0 })
                        known.withLock { $0 = seen }
                        if seen.allRunning, !seen.victims.isEmpty, seen.victims == seen.resumed {
                            settled.store(true, ordering: .relaxed)
                        }
                    } else if full, at > before {
                        let seen = await Self.watchTraining(client, known.withLock { $0 }, readLogs: false)
                        known.withLock { $0 = seen }
                    }
                }
                try? await Task.sleep(for: .milliseconds(500))
            }
        }
        let body = try JSONSerialization.data(withJSONObject: ["sentences": ["muster bench serve: one sentence"]])
        let outcomes = await load.run(stop: { at in at > stepEnd && settled.load(ordering: .relaxed) }) { _ in
            do {
                return try await client.callService("embed", path: "/embed", body: body).status
            } catch {
                return 0
            }
        }
        monitor.cancel()
        _ = await monitor.result
        let info = try await client.service("embed")
        let stepWall = start.timeIntervalSince1970 + o.before
        var report = ServePhaseReport(
            phase: full ? "preempt" : "step", gpus: total, low: o.low, high: o.high, stepAt: o.before,
            stepSeconds: o.hold, window: o.window, timeline: LatencyTimeline(outcomes, window: o.window),
            samples: samples.withLock { $0 },
            events: info.events.filter { $0.time >= start.timeIntervalSince1970 }.map {
                ServePhaseReport.Event(at: $0.time - stepWall, text: $0.text)
            })
        if full {
            let seen = await Self.watchTraining(client, known.withLock { $0 })
            var lost = 0.0
            var victimGPUs = 0
            for id in seen.victims.sorted() {
                let job = try await client.job(id)
                victimGPUs += job.gpus
                lost += Self.lostSeconds(in: try await Self.log(client, id)) * Double(job.gpus)
            }
            report.training = ServePhaseReport.TrainingOutcome(
                jobs: seen.jobs.count, victims: seen.victims.sorted(), victimGPUs: victimGPUs,
                resumed: seen.resumed.count, lostGPUSeconds: lost,
                boundGPUSeconds: (grace + Double(o.checkpointEvery)) * Double(victimGPUs),
                settled: settled.load(ordering: .relaxed))
        }
        return report
    }

    /// The training jobs' states: victims, and which of them have resumed from a checkpoint (read from their
    /// logs when `readLogs`).
    static func watchTraining(_ client: MusterClient, _ training: Training, readLogs: Bool = true) async -> Training {
        var training = training
        guard let jobs = try? await client.jobs(states: ["pending", "running"]) else { return training }
        let byID = Dictionary(jobs.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var allRunning = true
        for id in training.jobs {
            guard let job = byID[id] else { continue }
            if (job.preemptions ?? 0) > 0 { training.victims.insert(id) }
            if job.state != "running" { allRunning = false }
            if readLogs, job.state == "running", training.victims.contains(id), !training.resumed.contains(id),
                let text = try? await log(client, id), text.contains("muster-train: resumed")
            {
                training.resumed.insert(id)
            }
        }
        training.allRunning = allRunning
        return training
    }

    /// Rank 0's whole output of job `id`.
    static func log(_ client: MusterClient, _ id: Int64) async throws -> String {
        var text = ""
        var offset: Int64 = 0
        for _ in 0..<64 {
            let chunk = try await client.logs(id, rank: 0, offset: offset)
            text += chunk.data
            guard chunk.nextOffset > offset, !chunk.complete else { break }
            offset = chunk.nextOffset
        }
        return text
    }

    /// Seconds of work per GPU lost to preemptions, as examples/train_ckpt.py reports on each resume.
    static func lostSeconds(in log: String) -> Double {
        var total = 0.0
        for line in log.split(separator: "\n") where line.hasPrefix("muster-train: resumed") {
            guard let open = line.range(of: "steps ("), let end = line.range(of: " s of work") else { continue }
            total += Double(line[open.upperBound..<end.lowerBound]) ?? 0
        }
        return total
    }

    /// Stops the service and every job, waits for their processes to end, then kills any replica left.
    static func cleanUp(_ client: MusterClient, pids: String) async {
        _ = try? await client.stopService("embed")
        for job in (try? await client.jobs(states: ["pending", "running"])) ?? [] {
            _ = try? await client.cancel(job.id)
        }
        try? await waitUntil("muster bench serve", "every job ended", timeout: 40) {
            try await client.jobs(states: ["running"]).isEmpty
        }
        for file in (try? FileManager.default.contentsOfDirectory(atPath: pids)) ?? [] {
            let text = (try? String(contentsOfFile: pids + "/" + file, encoding: .utf8)) ?? ""
            if let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 1 { kill(pid, SIGKILL) }
        }
        await client.shutdown()
    }

}
