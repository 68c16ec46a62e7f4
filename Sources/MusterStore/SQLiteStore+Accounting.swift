import Foundation
import GRDB
import MusterCore

extension SQLiteStore: AccountingStore {
    public func history(_ query: HistoryQuery) async throws(StoreError) -> [HistoryRecord] {
        var clauses = ["end_time IS NOT NULL", "state IN ('completed', 'failed', 'cancelled', 'preempted')"]
        var arguments: [DatabaseValue] = []
        if let user = query.user {
            clauses.append("owner = ?")
            arguments.append(user.databaseValue)
        }
        if let team = query.team {
            clauses.append("team = ?")
            arguments.append(team.databaseValue)
        }
        if !query.states.isEmpty {
            clauses.append("state IN (" + query.states.map { _ in "?" }.joined(separator: ", ") + ")")
            arguments += query.states.map(\.databaseValue)
        }
        if let since = query.since {
            clauses.append("end_time >= ?")
            arguments.append(since.databaseValue)
        }
        if let until = query.until {
            clauses.append("end_time < ?")
            arguments.append(until.databaseValue)
        }
        if let before = query.before {
            clauses.append("id < ?")
            arguments.append(before.databaseValue)
        }
        let sql =
            "SELECT * FROM job WHERE " + clauses.joined(separator: " AND ") + " ORDER BY id DESC LIMIT "
            + "\(max(1, min(query.limit, 100_000)))"
        do {
            let values = arguments
            let rows = try await pool.read { db in
                try JobRow.fetchAll(db, sql: sql, arguments: StatementArguments(values))
            }
            return rows.compactMap { row in try? Self.record(row) }
        } catch {
            throw Self.storeError("cannot read the job history of \(path)", error)
        }
    }

    public func usage(byTeam: Bool, user: String?, since: Double?, until: Double?) async throws(StoreError)
        -> [UsageTotal]
    {
        let key = byTeam ? "COALESCE(team, 'default')" : "owner"
        var clauses = ["end_time IS NOT NULL", "state IN ('completed', 'failed', 'cancelled', 'preempted')"]
        var arguments: [DatabaseValue] = []
        if let user {
            clauses.append("owner = ?")
            arguments.append(user.databaseValue)
        }
        if let since {
            clauses.append("end_time >= ?")
            arguments.append(since.databaseValue)
        }
        if let until {
            clauses.append("end_time < ?")
            arguments.append(until.databaseValue)
        }
        let sql =
            "SELECT \(key) AS k, COUNT(*) AS n, TOTAL(gpu_seconds) AS s, TOTAL(energy_wh) AS e FROM job WHERE "
            + clauses.joined(separator: " AND ") + " GROUP BY k ORDER BY k"
        let values = arguments
        do {
            return try await pool.read { db in
                try Row.fetchAll(db, sql: sql, arguments: StatementArguments(values)).map { row in
                    UsageTotal(
                        key: row["k"], jobs: row["n"], gpuHours: (row["s"] as Double) / 3_600,
                        energyKWh: (row["e"] as Double) / 1_000)
                }
            }
        } catch {
            throw Self.storeError("cannot sum the usage in \(path)", error)
        }
    }

    public func purgeEnded(before time: Double) async throws(StoreError) -> Int {
        do {
            return try await pool.write { db in
                try db.execute(
                    sql: "DELETE FROM job WHERE end_time < ? AND state IN ('completed', 'failed', 'cancelled', "
                        + "'preempted')", arguments: [time])
                return db.changesCount
            }
        } catch {
            throw Self.storeError("cannot purge ended jobs from \(path)", error)
        }
    }

    /// The accounting view of a stored job row.
    static func record(_ row: JobRow) throws -> HistoryRecord {
        let job = try row.job()
        return HistoryRecord(
            id: job.id, name: job.spec.name, user: job.owner, team: job.spec.team, className: job.spec.priority.name,
            state: job.state.rawValue, submittedAt: job.submittedAt, startedAt: job.attempt?.startedAt,
            endedAt: job.endTime ?? 0, gpus: job.shape.gpus, nodes: job.attempt?.nodes ?? [],
            gpuHours: (row.gpu_seconds ?? 0) / 3_600, energyWh: row.energy_wh ?? 0, restarts: job.restarts,
            preemptions: job.preemptions, exitCode: job.exitCode, reason: job.reason)
    }
}
