import Foundation
import MusterCore
import PostgresNIO

extension PostgresStore: AccountingStore {
    public func history(_ query: HistoryQuery) async throws(StoreError) -> [HistoryRecord] {
        let (sql, values) = AccountingSQL.history(
            query, columns: "t.id::text, row_to_json(t)::text", placeholder: { "$\($0)" })
        return try await jobRows(sql, values, "cannot read the job history of \(url)").compactMap {
            try? $0.historyRecord()
        }
    }

    public func endedJobs(_ query: HistoryQuery) async throws(StoreError) -> [MusterCore.Job] {
        let (sql, values) = AccountingSQL.history(
            query, columns: "t.id::text, row_to_json(t)::text", placeholder: { "$\($0)" })
        return try await jobRows(sql, values, "cannot read the job history of \(url)").compactMap { try? $0.job() }
    }

    public func endedUse(since: Double, window: Double) async throws(StoreError) -> [EndedUse] {
        let width = max(1, window)
        do {
            var uses: [EndedUse] = []
            for try await (team, w, seconds) in try await run(
                AccountingSQL.endedUse("$1", "$2", floor: "FLOOR"), [.real(since), .real(width)]
            ).decode((String, Int64, Double).self) {
                uses.append(EndedUse(team: team, end: (Double(w) + 0.5) * width, gpuSeconds: seconds))
            }
            return uses
        } catch {
            throw Self.storeError("cannot sum past use in \(url)", error)
        }
    }

    public func jobs(ids: [Int64]) async throws(StoreError) -> [MusterCore.Job] {
        let unique = Array(Set(ids)).sorted()
        var jobs: [MusterCore.Job] = []
        for start in stride(from: 0, to: unique.count, by: 500) {
            let chunk = unique[start..<min(unique.count, start + 500)]
            let list = chunk.map(String.init).joined(separator: ",")
            jobs += try await jobRows(
                "SELECT t.id::text, row_to_json(t)::text FROM job t WHERE t.id IN (\(list)) ORDER BY t.id", [],
                "cannot read jobs from \(url)"
            ).compactMap { try? $0.job() }
        }
        return jobs
    }

    public func job(owner: String, idempotencyKey key: String) async throws(StoreError) -> MusterCore.Job? {
        try await jobRows(
            "SELECT t.id::text, row_to_json(t)::text FROM job t WHERE owner = $1 AND idempotency_key = $2 "
                + "ORDER BY t.id LIMIT 1", [.text(owner), .text(key)],
            "cannot read the job of an idempotency key from \(url)"
        ).first.map { row throws(StoreError) in
            do { return try row.job() } catch { throw Self.storeError("job \(row.id) is damaged", error) }
        }
    }

    /// The rows of `sql`, which selects `id::text, row_to_json(t)::text`.
    private func jobRows(_ sql: String, _ values: [AccountingSQL.Value], _ what: String) async throws(StoreError)
        -> [JobRow]
    {
        do {
            var rows: [JobRow] = []
            let decoder = JSONDecoder()
            for try await (_, json) in try await run(sql, values).decode((String, String).self) {
                if let row = try? decoder.decode(JobRow.self, from: Data(json.utf8)) { rows.append(row) }
            }
            return rows
        } catch {
            throw Self.storeError(what, error)
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
