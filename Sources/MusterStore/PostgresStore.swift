import Foundation
import Logging
import MusterCore
import PostgresNIO
import Synchronization

/// The shared store: the same rows, migrations and guarantees as `SQLiteStore`, in a PostgreSQL database that
/// several controllers can reach (one leads, the others stand by: `ControllerLease`).
///
/// A batch is one transaction: its rows go as one JSON array per table, expanded by `json_populate_recordset`
/// and upserted, so a 5,000-job batch is four statements. Once this store leads (`fence(epoch:)`), every commit
/// first locks the lease row and checks that its epoch is still the current one, in the same transaction: a
/// controller that lost the lease can no longer write, whatever it believes.
public final class PostgresStore: Store {
    /// Where the database is (without its password in `description`).
    public let url: PostgresURL
    private let client: PostgresClient
    private let runner: Task<Void, Never>
    let logger: Logger
    /// Each table's columns in table order, read once after migrating.
    private let columns: [String: [String]]
    /// The lease epoch every commit must still hold; nil when fencing is off (a single controller).
    private let epoch = Mutex<Int64?>(nil)

    /// The tables and their keys.
    static let tables = [("job", "id"), ("node", "name"), ("token", "hash"), ("service", "name")]

    /// Connects to the database at `url` and migrates it to the current schema. Fails at once (not after retries)
    /// when the server cannot be reached or refuses the user, with a message that says which.
    public init(url text: String, logger: Logger) async throws(StoreError) {
        let url = try PostgresURL(text)
        self.url = url
        self.logger = logger
        var columns: [String: [String]] = [:]
        do {
            let connection = try await PostgresConnection.connect(
                configuration: try url.connectionConfiguration(), id: 0, logger: logger)
            do {
                _ = try await PostgresSchema.migrate(connection, logger: logger)
                for (table, _) in Self.tables {
                    columns[table] = try await PostgresSchema.columns(of: table, connection, logger: logger)
                }
                try? await connection.close()
            } catch {
                try? await connection.close()
                throw error
            }
        } catch {
            throw Self.storeError("cannot open the PostgreSQL store \(url)", error)
        }
        self.columns = columns
        var configuration: PostgresClient.Configuration
        do {
            configuration = try url.clientConfiguration()
        } catch {
            throw Self.storeError("cannot use the TLS settings of \(url)", error)
        }
        configuration.options.maximumConnections = 8
        configuration.options.connectTimeout = .seconds(5)
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        runner = Task { await client.run() }
    }

    deinit { runner.cancel() }

    /// Closes the connections. The store cannot be used afterwards.
    public func close() async {
        runner.cancel()
        await runner.value
    }

    /// From now on every commit checks, in its transaction, that the lease is still at `epoch` (nil: no check).
    public func fence(epoch: Int64?) {
        self.epoch.withLock { $0 = epoch }
    }

    /// The epoch commits are fenced with, if any.
    public var fencedEpoch: Int64? { epoch.withLock { $0 } }

    /// The connection pool, for `ControllerLease` (same database, same credentials).
    var pool: PostgresClient { client }

    public func commit(_ batch: StoreBatch) async throws(StoreError) {
        guard !batch.isEmpty else { return }
        // One row per key (the last wins), as SQLite's replace does: an upsert may not touch a row twice.
        var rows = StoreBatch()
        rows.merge(batch)
        let fence = fencedEpoch
        do {
            let encoder = RowJSON.encoder
            let json: [(String, String, Int)] = [
                (
                    "job", String(decoding: try encoder.encode(try rows.jobs.map(JobRow.init)), as: UTF8.self),
                    rows.jobs.count
                ),
                (
                    "node", String(decoding: try encoder.encode(try rows.nodes.map(NodeRow.init)), as: UTF8.self),
                    rows.nodes.count
                ),
                (
                    "token", String(decoding: try encoder.encode(rows.tokens.map(TokenRow.init)), as: UTF8.self),
                    rows.tokens.count
                ),
                (
                    "service",
                    String(decoding: try encoder.encode(try rows.services.map(ServiceRow.init)), as: UTF8.self),
                    rows.services.count
                ),
            ]
            let logger = self.logger
            let statements = json.filter { $0.2 > 0 }.map { (table, rows, _) in
                (upsert(table), rows)
            }
            try await client.withTransaction(logger: logger) { connection in
                if let fence {
                    let rows = try await connection.query(
                        "SELECT epoch FROM muster_leader WHERE id = 1 FOR SHARE", logger: logger)
                    let current = try await rows.decode(Int64.self).array().first
                    guard current == fence else { throw FencedOut(held: fence, current: current) }
                }
                for (sql, rows) in statements {
                    var binds = PostgresBindings()
                    binds.append(rows)
                    try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
                }
            }
        } catch {
            throw Self.storeError(
                "cannot commit \(batch.jobs.count) job(s), \(batch.nodes.count) node(s) to \(url)", error)
        }
    }

    public func load() async throws(StoreError) -> StoredState {
        do {
            var state = StoredState()
            let decoder = JSONDecoder()
            for (_, max) in try await rows("SELECT '', COALESCE(MAX(id), 0)::text FROM job") {
                state.maxJobID = Int64(max) ?? 0
            }
            for (id, json) in try await rows("SELECT id::text, row_to_json(t)::text " + AccountingSQL.liveJobs) {
                do {
                    state.jobs.append(try decoder.decode(JobRow.self, from: Data(json.utf8)).job())
                } catch {
                    state.unreadable.append("job \(id): \(error)")
                }
            }
            for (name, json) in try await rows(
                #"SELECT name, row_to_json(t)::text FROM node t ORDER BY name COLLATE "C""#)
            {
                do {
                    state.nodes.append(try decoder.decode(NodeRow.self, from: Data(json.utf8)).node())
                } catch {
                    state.unreadable.append("node \(name): \(error)")
                }
            }
            for (name, json) in try await rows(
                #"SELECT name, row_to_json(t)::text FROM service t ORDER BY name COLLATE "C""#)
            {
                do {
                    state.services.append(try decoder.decode(ServiceRow.self, from: Data(json.utf8)).service())
                } catch {
                    state.unreadable.append("service \(name): \(error)")
                }
            }
            for (user, json) in try await rows(#"SELECT "user", row_to_json(t)::text FROM token t ORDER BY hash"#) {
                guard let row = try? decoder.decode(TokenRow.self, from: Data(json.utf8)),
                    let role = TokenRecord.Role(rawValue: row.role)
                else {
                    state.unreadable.append("token of \(user): unknown role or damaged row")
                    continue
                }
                state.tokens.append(
                    TokenRecord(
                        hash: row.hash, user: row.user, role: role, createdAt: row.created_at, revoked: row.revoked))
            }
            return state
        } catch {
            throw Self.storeError("cannot load \(url)", error)
        }
    }

    public func schemaVersion() async throws(StoreError) -> String {
        do {
            let versions = try await client.query(
                "SELECT identifier FROM muster_migrations WHERE identifier LIKE 'v%'", logger: logger
            ).decode(String.self).array()
            return versions.max { ($0.dropFirst().count, $0) < ($1.dropFirst().count, $1) } ?? ""
        } catch {
            throw Self.storeError("cannot read the schema version of \(url)", error)
        }
    }

    /// Runs `sql` (no parameters) and returns each row's two text columns.
    private func rows(_ sql: String) async throws -> [(String, String)] {
        var out: [(String, String)] = []
        for try await (key, json) in try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(
            (String, String).self)
        {
            out.append((key, json))
        }
        return out
    }

    /// The upsert of one table's rows, given as a JSON array in `$1`.
    private func upsert(_ table: String) -> String {
        let key = Self.tables.first { $0.0 == table }!.1
        let others = (columns[table] ?? []).filter { $0 != key }.map { "\"\($0)\"" }
        return """
            INSERT INTO \(table) SELECT * FROM json_populate_recordset(NULL::\(table), $1::json)
            ON CONFLICT ("\(key)") DO UPDATE SET (\(others.joined(separator: ", "))) = \
            ROW(\(others.map { "EXCLUDED.\($0)" }.joined(separator: ", ")))
            """
    }

    /// A commit refused because another controller took the lease.
    struct FencedOut: Error, CustomStringConvertible {
        var held: Int64
        var current: Int64?
        var description: String {
            "this controller's lease (epoch \(held)) was taken over (now epoch \(current.map(String.init) ?? "none")): "
                + "it no longer leads and may not write"
        }
    }

    /// Connection trouble, serialization failures and an overloaded server may pass if retried; the rest
    /// (a refused login, a missing database, a fenced-out commit) need an operator or a new leader.
    static func storeError(_ what: String, _ error: any Error) -> StoreError {
        if let error = error as? StoreError { return error }
        if let fenced = error as? FencedOut { return StoreError("\(what): \(fenced)") }
        if let error = error as? PSQLError {
            if let info = error.serverInfo {
                let state = info[.sqlState] ?? ""
                let retryable = ["08", "40", "53", "57"].contains(String(state.prefix(2)))
                var message = "\(what): \(info[.message] ?? "server error") (SQLSTATE \(state))"
                if state == "28P01" || state == "28000" {
                    message += "; check the user and password in the URL"
                } else if state == "3D000" {
                    message += "; create the database first (createdb) or name an existing one"
                }
                return StoreError(message, retryable: retryable)
            }
            let cause = error.underlying.map { "\($0)" } ?? "\(error.code)"
            if error.underlying is NIOSSLError || error.underlying is BoringSSLError || cause.contains("SSL") {
                return StoreError(
                    "\(what): the TLS handshake failed (\(cause)); if the server's certificate was refused, name "
                        + "its CA with ?sslrootcert=/path/ca.pem (verify-full also checks that it was issued for the "
                        + "host in the URL), or use sslmode=require to encrypt without checking it")
            }
            return StoreError(
                "\(what): \(cause); check that the server runs and listens at that address", retryable: true)
        }
        return StoreError("\(what): \(error)")
    }
}
