import Foundation
import PostgresNIO

extension PostgresStore: AccountingStore {
    public func history(_ query: HistoryQuery) async throws(StoreError) -> [HistoryRecord] {
        let (sql, values) = AccountingSQL.history(
            query, columns: "t.id::text, row_to_json(t)::text", placeholder: { "$\($0)" })
        do {
            var records: [HistoryRecord] = []
            let decoder = JSONDecoder()
            for try await (_, json) in try await run(sql, values).decode((String, String).self) {
                if let record = try? decoder.decode(JobRow.self, from: Data(json.utf8)).historyRecord() {
                    records.append(record)
                }
            }
            return records
        } catch {
            throw Self.storeError("cannot read the job history of \(url)", error)
        }
    }

    public func usage(byTeam: Bool, user: String?, since: Double?, until: Double?) async throws(StoreError)
        -> [UsageTotal]
    {
        let (sql, values) = AccountingSQL.usage(
            byTeam: byTeam, user: user, since: since, until: until, placeholder: { "$\($0)" })
        do {
            var totals: [UsageTotal] = []
            for try await (key, jobs, seconds, wh) in try await run(sql, values).decode(
                (String, Int64, Double, Double).self)
            {
                totals.append(UsageTotal(key: key, jobs: Int(jobs), gpuHours: seconds / 3_600, energyKWh: wh / 1_000))
            }
            return totals
        } catch {
            throw Self.storeError("cannot sum the usage in \(url)", error)
        }
    }

    public func purgeEnded(before time: Double) async throws(StoreError) -> Int {
        let sql = "WITH gone AS (\(AccountingSQL.purge(placeholder: "$1")) RETURNING 1) SELECT count(*) FROM gone"
        do {
            var count = 0
            for try await n in try await run(sql, [.real(time)]).decode(Int64.self) { count = Int(n) }
            return count
        } catch {
            throw Self.storeError("cannot purge ended jobs from \(url)", error)
        }
    }

    private func run(_ sql: String, _ values: [AccountingSQL.Value]) async throws -> PostgresRowSequence {
        var binds = PostgresBindings()
        for value in values {
            switch value {
            case .text(let s): binds.append(s)
            case .real(let d): binds.append(d)
            case .integer(let i): binds.append(i)
            }
        }
        return try await pool.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
    }
}
