import Foundation
import GRDB
import MusterCore

extension SQLiteStore: AccountingStore {
    public func history(_ query: HistoryQuery) async throws(StoreError) -> [HistoryRecord] {
        try await historyRows(query).compactMap { try? $0.historyRecord() }
    }

    public func endedJobs(_ query: HistoryQuery) async throws(StoreError) -> [Job] {
        try await historyRows(query).compactMap { try? $0.job() }
    }

    public func endedUse(since: Double, window: Double) async throws(StoreError) -> [EndedUse] {
        let width = max(1, window)
        do {
            return try await pool.read { db in
                try Row.fetchAll(
                    db, sql: AccountingSQL.endedUse("?", "?", floor: ""),
                    arguments: [width, since]  // in the order of the placeholders
                ).map { row in
                    EndedUse(team: row["k"], end: (Double(row["w"] as Int64) + 0.5) * width, gpuSeconds: row["s"])
                }
            }
        } catch {
            throw Self.storeError("cannot sum past use in \(path)", error)
        }
    }

    public func jobs(ids: [Int64]) async throws(StoreError) -> [Job] {
        let unique = Array(Set(ids)).sorted()
        do {
            return try await pool.read { db in
                var jobs: [Job] = []
                for start in stride(from: 0, to: unique.count, by: 500) {
                    let chunk = Array(unique[start..<min(unique.count, start + 500)])
                    let marks = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
                    let rows = try JobRow.fetchAll(
                        db, sql: "SELECT * FROM job WHERE id IN (\(marks)) ORDER BY id",
                        arguments: StatementArguments(chunk))
                    jobs += rows.compactMap { try? $0.job() }
                }
                return jobs
            }
        } catch {
            throw Self.storeError("cannot read jobs from \(path)", error)
        }
    }

    public func job(owner: String, idempotencyKey key: String) async throws(StoreError) -> Job? {
        do {
            let row = try await pool.read { db in
                try JobRow.fetchOne(
                    db, sql: "SELECT * FROM job WHERE owner = ? AND idempotency_key = ? ORDER BY id LIMIT 1",
                    arguments: [owner, key])
            }
            return try row?.job()
        } catch {
            throw Self.storeError("cannot read the job of an idempotency key from \(path)", error)
        }
    }

    private func historyRows(_ query: HistoryQuery) async throws(StoreError) -> [JobRow] {
        let (sql, values) = AccountingSQL.history(query, columns: "*", placeholder: { _ in "?" })
        let arguments = Self.arguments(values)
        do {
            return try await pool.read { db in try JobRow.fetchAll(db, sql: sql, arguments: arguments) }
        } catch {
            throw Self.storeError("cannot read the job history of \(path)", error)
        }
    }

    public func usage(byTeam: Bool, user: String?, since: Double?, until: Double?) async throws(StoreError)
        -> [UsageTotal]
    {
        let (sql, values) = AccountingSQL.usage(
            byTeam: byTeam, user: user, since: since, until: until, placeholder: { _ in "?" })
        let arguments = Self.arguments(values)
        do {
            return try await pool.read { db in
                try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
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
                try db.execute(sql: AccountingSQL.purge(placeholder: "?"), arguments: [time])
                return db.changesCount
            }
        } catch {
            throw Self.storeError("cannot purge ended jobs from \(path)", error)
        }
    }

    private static func arguments(_ values: [AccountingSQL.Value]) -> StatementArguments {
        StatementArguments(
            values.map { value -> DatabaseValue in
                switch value {
                case .text(let s): s.databaseValue
                case .real(let d): d.databaseValue
                case .integer(let i): i.databaseValue
                }
            })
    }
}
