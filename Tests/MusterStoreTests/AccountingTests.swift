import Foundation
import MusterCore
import MusterStore
import Testing

/// `muster history` and `muster usage` from the store: ended jobs filtered, paged and summed in SQL.
@Suite struct AccountingTests {
    let path = NSTemporaryDirectory() + "muster-accounting-\(UUID().uuidString).sqlite"

    /// An ended job: `gpus` GPUs from `start` to `end`.
    static func ended(
        _ id: Int64, owner: String, team: String, gpus: Int = 8, state: JobState = .completed, start: Double,
        end: Double
    ) -> Job {
        var job = Job(
            id: id,
            spec: JobSpec(name: "job-\(id)", gpus: gpus, timeLimit: 86_400, team: team, submitTime: Int64(start) - 5),
            shape: GangShape(nodes: 1, gpusPerNode: gpus), tasksPerNode: 1, owner: owner, launch: nil,
            state: state, submittedAt: start - 5)
        var attempt = Attempt(
            epoch: 1, nodes: ["gpu-\(id % 7)"], gpus: [Array(0..<gpus)], tasksPerNode: 1, scheduledAt: start - 1,
            masterPort: 20_000)
        attempt.startedAt = start
        attempt.ranks[0] = RankState(started: true, exitCode: state == .completed ? 0 : 1, exitedAt: end)
        job.attempt = attempt
        job.endTime = end
        job.exitCode = state == .completed ? 0 : 1
        return job
    }

    static let jobs: [Job] = (1...60).map { i in
        let owner = ["alice", "bob", "carol"][i % 3]
        let team = i % 2 == 0 ? "vision" : "llm"
        return ended(
            Int64(i), owner: owner, team: team, gpus: [1, 2, 4, 8][i % 4], state: i % 5 == 0 ? .failed : .completed,
            start: Double(i) * 1_000, end: Double(i) * 1_000 + Double(i % 10 + 1) * 360)
    }

    @Test func historyFiltersPagesNewestFirstAndUsageSumsGPUHoursOnSQLite() async throws {
        try await Self.check(try SQLiteStore(path: path))
    }

    @Test(.enabled(if: PostgresTestServer.enabled, PostgresTestServer.skipMessage))
    func historyFiltersPagesNewestFirstAndUsageSumsGPUHoursOnPostgreSQL() async throws {
        try await PostgresTestServer.withDatabase { url in
            let store = try await PostgresStore(url: url, logger: PostgresTestServer.logger)
            try await Self.check(store)
            await store.close()
        }
    }

    /// The same checks on either store.
    static func check(_ store: any AccountingStore) async throws {
        let pending = Job(
            id: 61, spec: JobSpec(gpus: 1, timeLimit: 60), shape: GangShape(nodes: 1, gpusPerNode: 1),
            tasksPerNode: 1, owner: "alice", launch: nil, state: .pending, submittedAt: 1)
        try await store.commit(StoreBatch(jobs: Self.jobs + [pending]))

        let alice = try await store.history(HistoryQuery(user: "alice", limit: 7))
        let aliceAll = Self.jobs.filter { $0.owner == "alice" }.map(\.id).sorted(by: >)
        #expect(alice.map(\.id) == Array(aliceAll.prefix(7)))
        let next = try await store.history(HistoryQuery(user: "alice", before: alice.last!.id, limit: 100))
        #expect(next.map(\.id) == Array(aliceAll.dropFirst(7)), "the second page is the rest, no pending job")
        let failed = try await store.history(HistoryQuery(team: "vision", states: ["failed"]))
        #expect(
            Set(failed.map(\.id))
                == Set(Self.jobs.filter { $0.spec.team == "vision" && $0.state == .failed }.map(\.id)))
        let window = try await store.history(HistoryQuery(since: 10_000, until: 20_000))
        #expect(window.allSatisfy { $0.endedAt >= 10_000 && $0.endedAt < 20_000 } && !window.isEmpty)
        let one = try #require(window.first)
        #expect(one.gpuHours == Double(one.gpus) * (one.endedAt - one.startedAt!) / 3_600)
        #expect(one.nodes == ["gpu-\(one.id % 7)"] && one.user == ["alice", "bob", "carol"][Int(one.id) % 3])

        let byTeam = try await store.usage(byTeam: true, user: nil, since: nil, until: nil)
        for total in byTeam {
            let mine = Self.jobs.filter { $0.spec.team == total.key }
            let hours = mine.reduce(0.0) {
                $0 + Double($1.shape.gpus) * ($1.endTime! - $1.attempt!.startedAt!) / 3_600
            }
            #expect(total.jobs == mine.count)
            #expect(abs(total.gpuHours - hours) < 1e-9, "\(total.key): \(total.gpuHours) vs \(hours)")
            #expect(total.energyKWh > 0)
        }
        #expect(byTeam.map(\.key) == ["llm", "vision"])
        let bob = try await store.usage(byTeam: false, user: "bob", since: 30_000, until: nil)
        #expect(bob.map(\.key) == ["bob"])
        #expect(bob.first?.jobs == Self.jobs.filter { $0.owner == "bob" && $0.endTime! >= 30_000 }.count)

        // Retention: ended jobs before a time go; the pending one stays.
        let purged = try await store.purgeEnded(before: 30_000)
        #expect(purged == Self.jobs.filter { $0.endTime! < 30_000 }.count)
        let left = try await store.load()
        #expect(left.jobs.contains { $0.id == 61 } && left.jobs.allSatisfy { ($0.endTime ?? .infinity) >= 30_000 })
    }
}
