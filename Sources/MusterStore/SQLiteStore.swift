import Foundation
import GRDB
import MusterAPI
import MusterCore

/// The embedded store: one SQLite file in WAL mode through a GRDB `DatabasePool`.
///
/// `synchronous = NORMAL` in WAL mode fsyncs at checkpoints only: a committed transaction survives the process
/// being killed (kill -9: the WAL is in the OS page cache and is replayed on open); only a power loss or kernel
/// crash can lose the last transactions. That is the guarantee "a 201 survives a controller crash" needs, at a
/// fraction of `FULL`'s cost. Pass `durable: true` for `FULL` when power loss matters.
public final class SQLiteStore: Store {
    private let pool: DatabasePool
    public let path: String

    /// Opens (creating if needed) the database at `path`.
    public init(path: String, durable: Bool = false) throws(StoreError) {
        self.path = path
        var config = Configuration()
        config.prepareDatabase { db in
            try db.execute(sql: durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL")
        }
        config.busyMode = .timeout(5)
        do {
            pool = try DatabasePool(path: path, configuration: config)
            try pool.write { db in
                try db.execute(
                    sql: """
                        CREATE TABLE IF NOT EXISTS jobs (
                            id INTEGER PRIMARY KEY AUTOINCREMENT,
                            request TEXT NOT NULL,
                            nodes INTEGER NOT NULL,
                            gpus_per_node INTEGER NOT NULL,
                            state TEXT NOT NULL,
                            submit_time REAL NOT NULL,
                            scheduled_time REAL,
                            start_time REAL,
                            end_time REAL,
                            placement TEXT NOT NULL,
                            ranks TEXT NOT NULL,
                            exit_code INTEGER,
                            reason TEXT,
                            epoch INTEGER NOT NULL
                        );
                        CREATE INDEX IF NOT EXISTS jobs_state ON jobs(state);
                        CREATE TABLE IF NOT EXISTS nodes (
                            name TEXT PRIMARY KEY,
                            inventory TEXT NOT NULL,
                            up INTEGER NOT NULL,
                            last_heartbeat REAL NOT NULL
                        );
                        """)
            }
        } catch {
            throw StoreError("cannot open \(path): \(error)")
        }
    }

    public func insertJob(_ job: JobRecord) throws(StoreError) -> JobID {
        try insertJobs([job])[0]
    }

    public func insertJobs(_ jobs: [JobRecord]) throws(StoreError) -> [JobID] {
        do {
            let encoder = MusterJSON.encoder()
            let rows = try jobs.map { job in
                (
                    String(decoding: try encoder.encode(job.request), as: UTF8.self),
                    try Self.mutableColumns(job, encoder)
                )
            }
            return try pool.write { db in
                let statement = try db.cachedStatement(
                    sql: """
                        INSERT INTO jobs (request, nodes, gpus_per_node, state, submit_time, scheduled_time,
                            start_time, end_time, placement, ranks, exit_code, reason, epoch)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """)
                var ids: [JobID] = []
                ids.reserveCapacity(rows.count)
                for (i, row) in rows.enumerated() {
                    let job = jobs[i]
                    try statement.execute(
                        arguments: StatementArguments([row.0, job.shape.nodes, job.shape.gpusPerNode] + row.1))
                    ids.append(db.lastInsertedRowID)
                }
                return ids
            }
        } catch {
            throw StoreError("cannot insert \(jobs.count) job(s) into \(path): \(error)")
        }
    }

    public func commit(jobs: [JobRecord], nodes: [NodeRecord]) throws(StoreError) {
        guard !jobs.isEmpty || !nodes.isEmpty else { return }
        do {
            let encoder = MusterJSON.encoder()
            let jobRows = try jobs.map { try Self.mutableColumns($0, encoder) }
            let nodeRows = try nodes.map { node in
                StatementArguments([
                    node.name, String(decoding: try encoder.encode(node.inventory), as: UTF8.self), node.up,
                    node.lastHeartbeat,
                ])
            }
            try pool.write { db in
                if !jobRows.isEmpty {
                    let update = try db.cachedStatement(
                        sql: """
                            UPDATE jobs SET state = ?, submit_time = ?, scheduled_time = ?, start_time = ?,
                                end_time = ?, placement = ?, ranks = ?, exit_code = ?, reason = ?, epoch = ?
                            WHERE id = ?
                            """)
                    for (i, row) in jobRows.enumerated() {
                        try update.execute(arguments: StatementArguments(row + [jobs[i].id]))
                    }
                }
                if !nodeRows.isEmpty {
                    let upsert = try db.cachedStatement(
                        sql: """
                            INSERT INTO nodes (name, inventory, up, last_heartbeat) VALUES (?, ?, ?, ?)
                            ON CONFLICT(name) DO UPDATE SET inventory = excluded.inventory, up = excluded.up,
                                last_heartbeat = excluded.last_heartbeat
                            """)
                    for row in nodeRows { try upsert.execute(arguments: row) }
                }
            }
        } catch {
            throw StoreError("cannot commit \(jobs.count) job(s) and \(nodes.count) node(s) to \(path): \(error)")
        }
    }

    public func loadJobs() throws(StoreError) -> [JobRecord] {
        do {
            let decoder = MusterJSON.decoder()
            return try pool.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM jobs ORDER BY id").map { row in
                    let request = try decoder.decode(SubmitRequest.self, from: Data((row["request"] as String).utf8))
                    let state: String = row["state"]
                    guard let jobState = JobState(rawValue: state) else {
                        throw StoreError("job \(row["id"] as Int64) has unknown state '\(state)'")
                    }
                    return JobRecord(
                        id: row["id"], request: request,
                        shape: GangShape(nodes: row["nodes"], gpusPerNode: row["gpus_per_node"]), state: jobState,
                        submitTime: row["submit_time"], scheduledTime: row["scheduled_time"],
                        startTime: row["start_time"], endTime: row["end_time"],
                        placement: try decoder.decode(
                            [PlacementEntry].self, from: Data((row["placement"] as String).utf8)),
                        ranks: try decoder.decode([RankState].self, from: Data((row["ranks"] as String).utf8)),
                        exitCode: (row["exit_code"] as Int64?).map { Int32(truncatingIfNeeded: $0) },
                        reason: row["reason"], epoch: row["epoch"])
                }
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError("cannot load jobs from \(path): \(error)")
        }
    }

    public func loadNodes() throws(StoreError) -> [NodeRecord] {
        do {
            let decoder = MusterJSON.decoder()
            return try pool.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM nodes ORDER BY name").map { row in
                    NodeRecord(
                        name: row["name"],
                        inventory: try decoder.decode(
                            RegisterAgentRequest.self, from: Data((row["inventory"] as String).utf8)),
                        up: row["up"], lastHeartbeat: row["last_heartbeat"])
                }
            }
        } catch {
            throw StoreError("cannot load nodes from \(path): \(error)")
        }
    }

    /// state, submit/scheduled/start/end times, placement, ranks, exit code, reason, epoch.
    private static func mutableColumns(
        _ job: JobRecord, _ encoder: JSONEncoder
    ) throws -> [(any DatabaseValueConvertible)?] {
        [
            job.state.rawValue, job.submitTime, job.scheduledTime, job.startTime, job.endTime,
            String(decoding: try encoder.encode(job.placement), as: UTF8.self),
            String(decoding: try encoder.encode(job.ranks), as: UTF8.self),
            job.exitCode.map { Int64($0) }, job.reason, job.epoch,
        ]
    }
}
