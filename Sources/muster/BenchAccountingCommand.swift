import ArgumentParser
import Foundation
import Logging
import MusterCore
import MusterServer
import MusterStore

/// `muster bench accounting`: fills a store with ended jobs (1,000,000 by default) and times the queries behind
/// `muster history` and `muster usage` on it: SQLite always, PostgreSQL too with `--postgres URL`. Then adds
/// 1,000 pending jobs and times a controller's start on that store (it loads the live jobs only) against reading
/// every row back, as a start did before schema v7.
struct BenchAccountingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accounting",
        abstract: "Time muster history and muster usage over a million ended jobs (SQLite, and PostgreSQL).")

    @Option(help: "Ended jobs to store.")
    var jobs = 1_000_000

    @Option(help: "Also a PostgreSQL database (postgres://USER:PASSWORD@HOST:PORT/DB); its job table is filled.")
    var postgres: String?

    func validate() throws {
        guard (1...10_000_000).contains(jobs) else { throw ValidationError("--jobs must be 1 to 10000000") }
    }

    func run() async throws {
        let dir = NSTemporaryDirectory() + "muster-acct-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var stores: [(String, any AccountingStore)] = [("SQLite", try SQLiteStore(path: dir + "/muster.sqlite"))]
        var postgresStore: PostgresStore?
        if let postgres {
            var logger = Logger(label: "bench")
            logger.logLevel = .error
            let store = try await PostgresStore(url: postgres, logger: logger)
            postgresStore = store
            stores.append(("PostgreSQL", store))
        }
        for (name, store) in stores {
            let t0 = Date()
            for start in stride(from: 0, to: jobs, by: 10_000) {
                let batch = (start..<min(jobs, start + 10_000)).map { Self.endedJob(Int64($0 + 1)) }
                try await store.commit(StoreBatch(jobs: batch))
            }
            print("\(name): \(jobs) ended jobs stored in \(String(format: "%.1f", Date().timeIntervalSince(t0))) s")
            let last = Double(jobs) * 30
            let queries: [(String, () async throws -> Int)] = [
                ("history, first page of 100", { try await store.history(HistoryQuery()).count }),
                ("history --user u7", { try await store.history(HistoryQuery(user: "u7")).count }),
                (
                    "history --team team10 --state failed --since (last 10%)",
                    {
                        try await store.history(HistoryQuery(team: "team10", states: ["failed"], since: last * 0.9))
                            .count
                    }
                ),
                (
                    "history --user u7, page 50 (before an old id)",
                    { try await store.history(HistoryQuery(user: "u7", before: Int64(jobs / 2))).count }
                ),
                (
                    "usage --by team (all)",
                    { try await store.usage(byTeam: true, user: nil, since: nil, until: nil).count }
                ),
                (
                    "usage --by user --since (last 10%)",
                    { try await store.usage(byTeam: false, user: nil, since: last * 0.9, until: nil).count }
                ),
                (
                    "usage of one user (all)",
                    { try await store.usage(byTeam: true, user: "u7", since: nil, until: nil).count }
                ),
            ]
            for (label, query) in queries {
                var best = Double.infinity
                var rows = 0
                for _ in 0..<3 {
                    let q0 = Date()
                    rows = try await query()
                    best = min(best, Date().timeIntervalSince(q0))
                }
                print(
                    "  " + label.padding(toLength: 56, withPad: " ", startingAt: 0)
                        + String(format: "%8.1f ms  (%d rows)", best * 1000, rows))
            }
            try await timeStart(store, dir: dir + "/\(name)")
        }
        await postgresStore?.close()
    }

    /// Adds 1,000 pending jobs after the ended ones, then times a controller's start (load and restore: the live
    /// jobs only) and, side by side, reading and decoding every row as a start did before schema v7.
    func timeStart(_ store: any AccountingStore, dir: String) async throws {
        let live = (1...1_000).map { k -> Job in
            let id = Int64(jobs + k)
            return Job(
                id: id, spec: JobSpec(name: "queued-\(id)", gpus: 8, timeLimit: 3_600),
                shape: GangShape(nodes: 1, gpusPerNode: 8),
                tasksPerNode: 1, owner: "u\(id % 200)", launch: JobLaunch(command: ["/bin/true"], workdir: "/"),
                submittedAt: Double(jobs) * 30)
        }
        try await store.commit(StoreBatch(jobs: live))
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        var start = Double.infinity
        var inMemory = 0
        for _ in 0..<3 {
            let t0 = Date()
            let controller = try await Controller(config: ControllerConfig(dataDir: dir), store: store, logger: logger)
            start = min(start, Date().timeIntervalSince(t0))
            inMemory = await controller.jobsInMemory
        }
        // Fair share's past use, which a start sums in the store: here every ended job in the window (the worst).
        var use = Double.infinity
        var windows = 0
        for _ in 0..<3 {
            let u0 = Date()
            windows = try await store.endedUse(since: 0, window: 3_600).count
            use = min(use, Date().timeIntervalSince(u0))
        }
        print(
            "  " + "fair share's past use, all 1M in the window".padding(toLength: 56, withPad: " ", startingAt: 0)
                + String(format: "%8.1f ms  (%d team-hours)", use * 1000, windows))
        let t0 = Date()
        var all = 0
        var before: Int64?
        while true {
            let page = try await store.endedJobs(HistoryQuery(before: before, limit: 100_000))
            all += page.count
            guard page.count == 100_000, let last = page.last else { break }
            before = last.id
        }
        let everything = Date().timeIntervalSince(t0)
        print(
            "  " + "controller start (loads the live jobs only)".padding(toLength: 56, withPad: " ", startingAt: 0)
                + String(format: "%8.1f ms  (%d jobs in memory)", start * 1000, inMemory))
        print(
            "  "
                + "reading every ended row (what a start did before v7)".padding(
                    toLength: 56, withPad: " ", startingAt: 0)
                + String(format: "%8.1f ms  (%d rows): %.0fx the start", everything * 1000, all, everything / start))
    }

    /// Ended job `id`: one of 200 users in 20 teams, 1 to 64 GPUs, a tenth failed, ending `id * 30` s after 1970.
    static func endedJob(_ id: Int64) -> Job {
        let gpus = [1, 2, 4, 8, 16, 64][Int(id % 6)]
        let end = Double(id) * 30
        let start = end - Double(600 + id % 3_600)
        let state: JobState = id % 10 == 0 ? .failed : .completed
        var job = Job(
            id: id,
            spec: JobSpec(
                name: "job-\(id)", gpus: gpus, timeLimit: 86_400, team: "team\(id % 20)", submitTime: Int64(start) - 60),
            shape: GangShape(nodes: max(1, gpus / 8), gpusPerNode: min(gpus, 8)), tasksPerNode: 1,
            owner: "u\(id % 200)", launch: nil, state: state, submittedAt: start - 60)
        let nodes = (0..<max(1, gpus / 8)).map { "gpu-\((Int(id) + $0) % 4_096)" }
        var attempt = Attempt(
            epoch: 1, nodes: nodes, gpus: nodes.map { _ in Array(0..<min(gpus, 8)) }, tasksPerNode: 1,
            scheduledAt: start - 1, masterPort: 20_000)
        attempt.startedAt = start
        for rank in attempt.ranks.indices {
            attempt.ranks[rank] = RankState(started: true, exitCode: state == .completed ? 0 : 1, exitedAt: end)
        }
        job.attempt = attempt
        job.endTime = end
        job.exitCode = state == .completed ? 0 : 1
        return job
    }
}
