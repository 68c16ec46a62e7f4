import Foundation
import GRDB
import MusterCore

extension SQLiteStore: AccountingStore {
    public func history(_ query: HistoryQuery) async throws(StoreError) -> [HistoryRecord] {
        let (sql, values) = AccountingSQL.history(query, columns: "*", placeholder: { _ in "?" })
        let arguments = Self.arguments(values)
        do {
            let rows = try await pool.read { db in try JobRow.fetchAll(db, sql: sql, arguments: arguments) }
            return rows.compactMap { try? $0.historyRecord() }
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
