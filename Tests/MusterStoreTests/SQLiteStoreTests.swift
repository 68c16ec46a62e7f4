import Foundation
import GRDB
import MusterCore
import Testing

@testable import MusterStore

/// A fresh SQLite database in its own temporary directory.
final class SQLiteFixture: Sendable {
    let directory: String
    var path: String { directory + "/muster.db" }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("muster-store-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    /// The conformance checks on this database; they keep the fixture (and so its directory) alive.
    var conformance: StoreConformance {
        StoreConformance(open: { try SQLiteStore(path: self.path) })
    }
}

/// The shared `Store` conformance checks, on SQLite.
@Suite struct SQLiteStoreConformanceTests {
    @Test func emptyStoreLoadsNothing() async throws {
        try await SQLiteFixture().conformance.emptyStoreLoadsNothing()
    }

    @Test func committedRowsLoadBackEqual() async throws {
        try await SQLiteFixture().conformance.committedRowsLoadBackEqual()
    }

    @Test func servicesRoundTrip() async throws {
        try await SQLiteFixture().conformance.servicesRoundTrip()
    }

    @Test func batchAttemptStepsRoundTrip() async throws {
        try await SQLiteFixture().conformance.batchAttemptStepsRoundTrip()
    }

    @Test func laterCommitReplacesByKey() async throws {
        try await SQLiteFixture().conformance.laterCommitReplacesByKey()
    }

    @Test func rowsSurviveReopening() async throws {
        try await SQLiteFixture().conformance.rowsSurviveReopening()
    }

    @Test func concurrentCommitsAllLand() async throws {
        try await SQLiteFixture().conformance.concurrentCommitsAllLand()
    }

    @Test func largeBatchCommitsWhole() async throws {
        try await SQLiteFixture().conformance.largeBatchCommitsWhole()
    }

    @Test func awkwardTextRoundTrips() async throws {
        try await SQLiteFixture().conformance.awkwardTextRoundTrips()
    }

    @Test func endedUseSumsGPUSecondsByTeamAndWindow() async throws {
        try await SQLiteFixture().conformance.endedUseSumsGPUSecondsByTeamAndWindow()
    }

    @Test func startLoadsOnlyLiveJobsAndEndedOnesAreReadWhenAsked() async throws {
        try await SQLiteFixture().conformance.startLoadsOnlyLiveJobsAndEndedOnesAreReadWhenAsked()
    }
}

/// What only the SQLite store does: its migrations, file modes and damaged rows.
@Suite struct SQLiteStoreTests {
    @Test func schemaIsAtTheLastMigration() async throws {
        let fixture = try SQLiteFixture()
        let store = try SQLiteStore(path: fixture.path)
        #expect(try await store.schemaVersion() == "v7")
    }

    @Test func databaseFilesAreReadableByTheirOwnerOnly() async throws {
        let fixture = try SQLiteFixture()
        let store = try SQLiteStore(path: fixture.path)
        try await store.commit(StoreBatch(jobs: StoreConformance.sampleJobs()))
        for file in [fixture.path, fixture.path + "-wal", fixture.path + "-shm"]
        where FileManager.default.fileExists(atPath: file) {
            let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(file) has mode \(String(mode ?? 0, radix: 8))")
        }
    }

    /// A database of the first schema (the wire request stored as JSON) is carried into the current one: jobs
    /// keep their state, spec, launch and attempt; a row whose request cannot be read is failed, not crashed on.
    @Test func firstSchemaIsMigratedWithItsJobsAndNodes() async throws {
        let fixture = try SQLiteFixture()
        do {
            let queue = try DatabaseQueue(path: fixture.path)
            var migrator = SQLiteSchema.migrator
            // Only v1, as an old controller left it.
            try migrator.migrate(queue, upTo: "v1")
            migrator = DatabaseMigrator()
            try await queue.write { db in
                let request = """
                    {"name":"old","gpus":2,"time_limit":600,"command":["sleep","100"],"workdir":"/tmp",\
                    "env":{"A":"1"},"tasks_per_node":1,"priority":"high"}
                    """
                try db.execute(
                    sql: """
                        INSERT INTO jobs (id, request, nodes, gpus_per_node, state, submit_time, scheduled_time,
                            start_time, placement, ranks, epoch)
                        VALUES (1, ?, 1, 2, 'running', 5.0, 6.0, 7.0, '[{"node":"n1","gpus":[0,1]}]',
                            '[{"started":true}]', 1)
                        """, arguments: [request])
                try db.execute(
                    sql: """
                        INSERT INTO jobs (id, request, nodes, gpus_per_node, state, submit_time, placement, ranks,
                            epoch) VALUES (2, 'not json', 1, 1, 'pending', 8.0, '[]', '[]', 0)
                        """)
                try db.execute(
                    sql: """
                        INSERT INTO nodes (name, inventory, up, last_heartbeat) VALUES ('n1', ?, 1, 42.0)
                        """,
                    arguments: [
                        """
                        {"name":"n1","gpus":[{"index":0,"model":"H100","memory_mib":81559},\
                        {"index":1,"model":"H100","memory_mib":81559}],"cpus":64,"memory_mib":512000,\
                        "leaf":"l1","spine":"s1","address":"10.0.0.1"}
                        """
                    ])
            }
        }
        let store = try SQLiteStore(path: fixture.path)
        #expect(try await store.schemaVersion() == "v7")
        let state = try await store.load()
        #expect(state.unreadable.isEmpty)
        #expect(state.jobs.count == 2)
        let old = try #require(state.jobs.first)
        #expect(old.state == .running)
        #expect(old.spec.name == "old")
        #expect(old.spec.priority == .high)
        #expect(old.launch?.command == ["sleep", "100"])
        #expect(old.launch?.env == ["A": "1"])
        #expect(old.attempt?.nodes == ["n1"])
        #expect(old.attempt?.gpus == [[0, 1]])
        #expect(old.attempt?.ranks.first?.started == true)
        let damaged = state.jobs[1]
        #expect(damaged.state == .failed)
        #expect(damaged.reason?.contains("could not be read") == true)
        #expect(state.nodes.map(\.name) == ["n1"])
        #expect(state.nodes.first?.health == .up)
        #expect(state.nodes.first?.inventory.gpus.count == 2)
    }

    /// Migration `v7` marks live rows from their own record: pending, or ended with a rank or step task that
    /// may still run.
    @Test func v7MarksLiveRowsFromTheirRecords() async throws {
        let fixture = try SQLiteFixture()
        let jobs = try StoreConformance.backfillJobs()
        try await SQLiteStore(path: fixture.path).commit(StoreBatch(jobs: jobs))
        // Back to v6: no `live` column, v7 not applied.
        let queue = try DatabaseQueue(path: fixture.path)
        try await queue.write { db in
            try db.execute(sql: "DROP INDEX job_live; DROP INDEX job_idempotency")
            try db.execute(sql: "ALTER TABLE job DROP COLUMN live")
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v7'")
        }
        try queue.close()
        let state = try await SQLiteStore(path: fixture.path).load()
        #expect(state.jobs.map(\.id) == [1, 3, 4])
        #expect(state.maxJobID == 4)
    }

    /// A row the current code cannot read (damaged by hand, or written by a newer version) is reported, and the
    /// others still load.
    @Test func damagedRowIsReportedNotFatal() async throws {
        let fixture = try SQLiteFixture()
        let store = try SQLiteStore(path: fixture.path)
        try await store.commit(
            StoreBatch(
                jobs: StoreConformance.sampleJobs(), nodes: StoreConformance.sampleNodes(),
                tokens: StoreConformance.sampleTokens()))
        let queue = try DatabaseQueue(path: fixture.path)
        try await queue.write { db in
            // Every row as if live, so that the start reads the damaged ones.
            try db.execute(sql: "UPDATE job SET live = TRUE")
            try db.execute(sql: "UPDATE job SET spec = '{broken' WHERE id = 2")
            try db.execute(sql: "UPDATE job SET state = 'exploded' WHERE id = 3")
            try db.execute(sql: "UPDATE node SET health = 'sideways' WHERE name = 'gpu-001'")
            try db.execute(sql: "UPDATE token SET role = 'root' WHERE user = 'alice'")
        }
        let state = try await store.load()
        #expect(state.jobs.map(\.id) == [1, 4, 5, 6])
        #expect(state.nodes.map(\.name) == ["cpu-1", "gpu-002", "gpu-003", "gpu-004"])
        #expect(state.tokens.count == 3)
        #expect(state.unreadable.count == 4)
        #expect(state.unreadable.contains { $0.hasPrefix("job 2") })
        #expect(state.unreadable.contains { $0.hasPrefix("node gpu-001") })
    }

    /// Opening what is not a database, or a path that cannot exist, is a typed error naming the path.
    @Test func unopenablePathIsATypedError() async throws {
        let fixture = try SQLiteFixture()
        try Data("this is not a database".utf8).write(to: URL(fileURLWithPath: fixture.path))
        #expect {
            _ = try SQLiteStore(path: fixture.path)
        } throws: { error in
            guard let error = error as? StoreError else { return false }
            return error.message.contains(fixture.path) && !error.retryable
        }
        #expect(throws: StoreError.self) {
            _ = try SQLiteStore(path: fixture.directory + "/missing/dir/muster.db")
        }
    }
}
