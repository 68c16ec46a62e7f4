import Logging
import PostgresNIO

/// The PostgreSQL schema: the same versioned migrations as `SQLiteSchema` (same names, same tables and columns,
/// PostgreSQL's types), applied in order and recorded in table `muster_migrations`.
///
/// - `v1`: recorded only. SQLite's first schema held the wire request; no PostgreSQL store ever had it.
/// - `v2`: `job`, `node` and `token`, as in SQLite.
/// - `v3`, `v4`, `v5`, `v6`, `v7`: the same columns (the `service` table, the accounting columns and indexes, the
///   `live` flag) as SQLite's migrations of those names. (No PostgreSQL store predates `v6`: it has no rows to
///   backfill; `v7` backfills `live` in SQL from the attempt's JSON.)
/// - `leader`: PostgreSQL only, not a schema version: the one-row table of the controllers' leader lease
///   (`ControllerLease`).
///
/// Migrations run in one transaction under an advisory lock, so controllers starting together migrate once.
enum PostgresSchema {
    /// The versioned migrations, in order: name and statements.
    static let migrations: [(name: String, statements: [String])] = [
        ("v1", []),
        (
            "v2",
            [
                """
                CREATE TABLE job (
                    "id" bigint PRIMARY KEY, "owner" text NOT NULL, "state" text NOT NULL, "spec" text NOT NULL,
                    "nodes" bigint NOT NULL, "gpus_per_node" bigint NOT NULL, "tasks_per_node" bigint NOT NULL,
                    "launch" text, "idempotency_key" text, "submitted_at" double precision NOT NULL,
                    "attempt" text, "end_time" double precision, "exit_code" bigint, "reason" text,
                    "restarts" bigint NOT NULL)
                """,
                #"CREATE INDEX job_state ON job ("state")"#,
                """
                CREATE TABLE node (
                    "name" text PRIMARY KEY, "inventory" text NOT NULL, "health" text NOT NULL,
                    "last_heard" double precision NOT NULL)
                """,
                """
                CREATE TABLE token (
                    "hash" text PRIMARY KEY, "user" text NOT NULL, "role" text NOT NULL,
                    "created_at" double precision NOT NULL, "revoked" boolean NOT NULL)
                """,
            ]
        ),
        (
            "v3",
            [
                #"ALTER TABLE job ADD COLUMN "dependencies" text, ADD COLUMN "array" text, ADD COLUMN "max_restarts" bigint"#,
                #"ALTER TABLE node ADD COLUMN "drain_reason" text"#,
            ]
        ),
        (
            "v4",
            [
                #"ALTER TABLE job ADD COLUMN "preemptions" bigint, ADD COLUMN "preemption" text, ADD COLUMN "no_requeue" boolean"#
            ]
        ),
        (
            "v5",
            [
                #"ALTER TABLE job ADD COLUMN "replica" text"#,
                #"CREATE TABLE service ("name" text PRIMARY KEY, "owner" text NOT NULL, "record" text NOT NULL)"#,
            ]
        ),
        (
            "v6",
            [
                """
                ALTER TABLE job ADD COLUMN "team" text, ADD COLUMN "class_name" text, ADD COLUMN "gpus" bigint,
                    ADD COLUMN "started_at" double precision, ADD COLUMN "gpu_seconds" double precision,
                    ADD COLUMN "energy_wh" double precision
                """,
                #"CREATE INDEX job_end ON job ("end_time")"#,
                #"CREATE INDEX job_owner_end ON job ("owner", "end_time")"#,
                #"CREATE INDEX job_team_end ON job ("team", "end_time")"#,
            ]
        ),
        (
            "v7",
            [
                #"ALTER TABLE job ADD COLUMN "live" boolean"#,
                // Live: not ended, or some rank or step task of the last attempt has no exit code yet.
                """
                UPDATE job SET "live" = NOT (\(AccountingSQL.ended)) OR (attempt IS NOT NULL AND (
                    jsonb_path_exists(attempt::jsonb, '$.ranks[*] ? (!exists(@.exitCode))')
                    OR jsonb_path_exists(attempt::jsonb, '$.steps[*].ranks[*] ? (!exists(@.exitCode))')))
                """,
            ] + SQLiteSchema.v7Indexes
        ),
    ]

    /// Statements outside the schema versions, run (idempotently) after the migrations.
    static let support = [
        """
        CREATE TABLE IF NOT EXISTS muster_leader (
            "id" integer PRIMARY KEY CHECK ("id" = 1), "epoch" bigint NOT NULL, "holder" text NOT NULL,
            "address" text NOT NULL, "expires" timestamptz NOT NULL)
        """
    ]

    /// The advisory lock key that serialises migrations ("muster" in ASCII).
    static let migrationLock: Int64 = 0x6d_7573_7465_72

    /// Brings the database to the last migration; returns the applied migrations' names.
    static func migrate(_ connection: PostgresConnection, logger: Logger) async throws -> [String] {
        try await connection.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(migrationLock))", logger: logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS muster_migrations (
                    "identifier" text PRIMARY KEY, "applied_at" timestamptz NOT NULL DEFAULT now())
                """, logger: logger)
            var applied: [String] = []
            for try await name in try await connection.query(
                "SELECT identifier FROM muster_migrations", logger: logger
            ).decode(String.self) {
                applied.append(name)
            }
            for migration in migrations where !applied.contains(migration.name) {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO muster_migrations (identifier) VALUES (\(migration.name))", logger: logger)
                applied.append(migration.name)
            }
            for statement in support {
                try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
            }
            return applied
        }
    }

    /// The column names of `table`, in table order (what the upserts list).
    static func columns(of table: String, _ connection: PostgresConnection, logger: Logger) async throws -> [String] {
        var names: [String] = []
        for try await name in try await connection.query(
            """
            SELECT column_name::text FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = \(table) ORDER BY ordinal_position
            """, logger: logger
        ).decode(String.self) {
            names.append(name)
        }
        return names
    }
}
