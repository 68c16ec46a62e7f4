import Foundation
import GRDB

/// The SQLite schema as a list of versioned migrations, applied in order and recorded in the file.
///
/// - `v1`: the first schema (jobs with the wire request as JSON, nodes with the wire inventory).
/// - `v2`: rows of the store's own records: a job's spec, launch and latest attempt, its owner and idempotency
///   key; nodes with their health; API tokens (hashes only). Jobs of `v1` are carried over by `LegacyJobRows`.
/// - `v3`: a job's dependencies and its place in a job array (JSON, null when it has none), and its restart
///   limit; a node's drain reason.
/// - `v4`, `v5`: preemptions; replicas and services.
/// - `v7`: `live` (pending, running, or ended with processes that may still run): what `load` reads, through a
///   partial index, so a start reads the active jobs and not the whole history; an index for idempotency keys;
///   no more index on `state` alone.
/// - `v6`: accounting columns of a job (team, class, GPUs, start, GPU-seconds, energy) and indexes by end time,
///   owner and team, for `history` and `usage` over millions of ended jobs.
enum SQLiteSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE IF NOT EXISTS jobs (
                        id INTEGER PRIMARY KEY AUTOINCREMENT, request TEXT NOT NULL, nodes INTEGER NOT NULL,
                        gpus_per_node INTEGER NOT NULL, state TEXT NOT NULL, submit_time REAL NOT NULL,
                        scheduled_time REAL, start_time REAL, end_time REAL, placement TEXT NOT NULL,
                        ranks TEXT NOT NULL, exit_code INTEGER, reason TEXT, epoch INTEGER NOT NULL);
                    CREATE INDEX IF NOT EXISTS jobs_state ON jobs(state);
                    CREATE TABLE IF NOT EXISTS nodes (
                        name TEXT PRIMARY KEY, inventory TEXT NOT NULL, up INTEGER NOT NULL,
                        last_heartbeat REAL NOT NULL);
                    """)
        }
        migrator.registerMigration("v2") { db in
            try db.create(table: "job") { t in
                t.column("id", .integer).primaryKey()
                t.column("owner", .text).notNull()
                t.column("state", .text).notNull()
                t.column("spec", .text).notNull()
                t.column("nodes", .integer).notNull()
                t.column("gpus_per_node", .integer).notNull()
                t.column("tasks_per_node", .integer).notNull()
                t.column("launch", .text)
                t.column("idempotency_key", .text)
                t.column("submitted_at", .double).notNull()
                t.column("attempt", .text)
                t.column("end_time", .double)
                t.column("exit_code", .integer)
                t.column("reason", .text)
                t.column("restarts", .integer).notNull()
            }
            try db.create(index: "job_state", on: "job", columns: ["state"])
            try db.create(table: "node") { t in
                t.column("name", .text).primaryKey()
                t.column("inventory", .text).notNull()
                t.column("health", .text).notNull()
                t.column("last_heard", .double).notNull()
            }
            try db.create(table: "token") { t in
                t.column("hash", .text).primaryKey()
                t.column("user", .text).notNull()
                t.column("role", .text).notNull()
                t.column("created_at", .double).notNull()
                t.column("revoked", .boolean).notNull()
            }
            try LegacyJobRows.migrate(db)
            try db.execute(sql: "DROP TABLE jobs; DROP TABLE nodes")
        }
        migrator.registerMigration("v3") { db in
            try db.alter(table: "job") { t in
                t.add(column: "dependencies", .text)
                t.add(column: "array", .text)
                t.add(column: "max_restarts", .integer)
            }
            try db.alter(table: "node") { t in t.add(column: "drain_reason", .text) }
        }
        migrator.registerMigration("v4") { db in
            try db.alter(table: "job") { t in
                t.add(column: "preemptions", .integer)
                t.add(column: "preemption", .text)
                t.add(column: "no_requeue", .boolean)
            }
        }
        migrator.registerMigration("v5") { db in
            try db.alter(table: "job") { t in t.add(column: "replica", .text) }
            try db.create(table: "service") { t in
                t.primaryKey("name", .text)
                t.column("owner", .text).notNull()
                t.column("record", .text).notNull()
            }
        }
        migrator.registerMigration("v6") { db in
            try db.alter(table: "job") { t in
                t.add(column: "team", .text)
                t.add(column: "class_name", .text)
                t.add(column: "gpus", .integer)
                t.add(column: "started_at", .double)
                t.add(column: "gpu_seconds", .double)
                t.add(column: "energy_wh", .double)
            }
            // Rows written before: their accounting columns from their own record.
            let rows = try JobRow.fetchAll(db)
            for row in rows {
                guard let job = try? row.job() else { continue }
                try JobRow(job).update(
                    db, columns: ["team", "class_name", "gpus", "started_at", "gpu_seconds", "energy_wh"])
            }
            try db.create(index: "job_end", on: "job", columns: ["end_time"])
            try db.create(index: "job_owner_end", on: "job", columns: ["owner", "end_time"])
            try db.create(index: "job_team_end", on: "job", columns: ["team", "end_time"])
        }
        migrator.registerMigration("v7") { db in
            try db.alter(table: "job") { t in t.add(column: "live", .boolean) }
            try db.execute(sql: "UPDATE job SET live = NOT (\(AccountingSQL.ended))")
            // An ended job whose last attempt may still have processes stays live: read from its own record.
            let ended = try JobRow.filter(sql: "NOT live AND attempt IS NOT NULL").fetchAll(db)
            for row in ended {
                guard let job = try? row.job(), JobRow.isLive(job) else { continue }
                try db.execute(sql: "UPDATE job SET live = 1 WHERE id = ?", arguments: [row.id])
            }
            for statement in SQLiteSchema.v7Indexes { try db.execute(sql: statement) }
        }
        return migrator
    }

    /// `v7`'s indexes, the same text in both stores. `job_state` goes: a start reads `live` now, and SQLite
    /// preferred it to `job_end` for the accounting sums (a scan of every ended job).
    static let v7Indexes = [
        #"DROP INDEX IF EXISTS job_state"#,
        #"CREATE INDEX job_live ON job ("id") WHERE "live""#,
        #"CREATE INDEX job_idempotency ON job ("owner", "idempotency_key") WHERE "idempotency_key" IS NOT NULL"#,
    ]
}
