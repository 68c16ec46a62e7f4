import Foundation
import GRDB
import MusterCore

#if canImport(Glibc)
    import Glibc
#endif

/// The embedded store: one SQLite file in WAL mode through a GRDB `DatabasePool`, its schema built by versioned
/// migrations (`SQLiteSchema`).
///
/// `synchronous = NORMAL` in WAL mode fsyncs at checkpoints only: a committed transaction survives the process
/// being killed (kill -9: the WAL is in the OS page cache and is replayed on open); only a power loss or kernel
/// crash can lose the last transactions. That is the guarantee "a 201 survives a controller crash" needs, at a
/// fraction of `FULL`'s cost. Pass `durable: true` for `FULL` when power loss matters. The file and its WAL are
/// readable by their owner only: jobs' environments may hold secrets.
public final class SQLiteStore: Store {
    let pool: DatabasePool
    public let path: String

    /// Opens (creating if needed) the database at `path` and migrates it to the current schema.
    public init(path: String, durable: Bool = false) throws(StoreError) {
        self.path = path
        var config = Configuration()
        config.prepareDatabase { db in
            try db.execute(sql: durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL")
        }
        config.busyMode = .timeout(5)
        // Created owner-only before SQLite opens it: its WAL and shared-memory files take the same mode. (No umask:
        // it is process-wide, and other threads create files too.)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        if fd >= 0 { close(fd) }
        do {
            pool = try DatabasePool(path: path, configuration: config)
            for file in [path, path + "-wal", path + "-shm"] { chmod(file, 0o600) }
            try SQLiteSchema.migrator.migrate(pool)
        } catch {
            throw Self.storeError("cannot open \(path)", error)
        }
    }

    public func commit(_ batch: StoreBatch) async throws(StoreError) {
        guard !batch.isEmpty else { return }
        do {
            let jobRows = try batch.jobs.map(JobRow.init)
            let nodeRows = try batch.nodes.map(NodeRow.init)
            let serviceRows = try batch.services.map(ServiceRow.init)
            try await pool.write { db in
                for row in jobRows { try row.save(db) }
                for row in nodeRows { try row.save(db) }
                for token in batch.tokens { try TokenRow(token).save(db) }
                for row in serviceRows { try row.save(db) }
            }
        } catch {
            throw Self.storeError(
                "cannot commit \(batch.jobs.count) job(s), \(batch.nodes.count) node(s) to \(path)", error)
        }
    }

    public func load() async throws(StoreError) -> StoredState {
        do {
            return try await pool.read { db in
                var state = StoredState()
                state.maxJobID = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM job") ?? 0
                for row in try JobRow.fetchAll(db, sql: "SELECT * " + AccountingSQL.liveJobs) {
                    do {
                        state.jobs.append(try row.job())
                    } catch {
                        state.unreadable.append("job \(row.id): \(error)")
                    }
                }
                for row in try NodeRow.order(Column("name")).fetchAll(db) {
                    do {
                        state.nodes.append(try row.node())
                    } catch {
                        state.unreadable.append("node \(row.name): \(error)")
                    }
                }
                for row in try ServiceRow.order(Column("name")).fetchAll(db) {
                    do {
                        state.services.append(try row.service())
                    } catch {
                        state.unreadable.append("service \(row.name): \(error)")
                    }
                }
                for row in try TokenRow.fetchAll(db) {
                    guard let role = TokenRecord.Role(rawValue: row.role) else {
                        state.unreadable.append("token of \(row.user): unknown role '\(row.role)'")
                        continue
                    }
                    state.tokens.append(
                        TokenRecord(
                            hash: row.hash, user: row.user, role: role, createdAt: row.created_at,
                            revoked: row.revoked))
                }
                return state
            }
        } catch {
            throw Self.storeError("cannot load \(path)", error)
        }
    }

    public func schemaVersion() async throws(StoreError) -> String {
        do {
            return try await pool.read { db in try SQLiteSchema.migrator.appliedIdentifiers(db).max() ?? "" }
        } catch {
            throw Self.storeError("cannot read the schema version of \(path)", error)
        }
    }

    /// Busy and I/O errors may pass if retried; the rest need an operator.
    static func storeError(_ what: String, _ error: any Error) -> StoreError {
        if let error = error as? StoreError { return error }
        if let error = error as? DatabaseError {
            let retryable = [ResultCode.SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_IOERR].contains(error.resultCode)
            return StoreError("\(what): \(error.message ?? "\(error.resultCode)")", retryable: retryable)
        }
        return StoreError("\(what): \(error)")
    }
}
