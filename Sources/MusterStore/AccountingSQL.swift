/// The SQL of the accounting queries, written once for both stores: each store gives its placeholder syntax
/// (`?` or `$n`) and binds the values in order.
enum AccountingSQL {
    /// A value bound to a placeholder.
    enum Value: Sendable, Hashable {
        case text(String)
        case real(Double)
        case integer(Int64)
    }

    static let ended = "end_time IS NOT NULL AND state IN ('completed', 'failed', 'cancelled', 'preempted')"

    /// `SELECT <columns> FROM job` for one page of `query`, newest first.
    static func history(_ query: HistoryQuery, columns: String, placeholder: (Int) -> String) -> (String, [Value]) {
        var clauses = [ended]
        var values: [Value] = []
        func add(_ clause: (String) -> String, _ value: Value) {
            values.append(value)
            clauses.append(clause(placeholder(values.count)))
        }
        if let user = query.user { add({ "owner = \($0)" }, .text(user)) }
        if let team = query.team { add({ "team = \($0)" }, .text(team)) }
        if !query.states.isEmpty {
            var marks: [String] = []
            for state in query.states {
                values.append(.text(state))
                marks.append(placeholder(values.count))
            }
            clauses.append("state IN (" + marks.joined(separator: ", ") + ")")
        }
        if let since = query.since { add({ "end_time >= \($0)" }, .real(since)) }
        if let until = query.until { add({ "end_time < \($0)" }, .real(until)) }
        if let before = query.before { add({ "t.id < \($0)" }, .integer(before)) }
        // 100,000 at most, and one more to learn whether there are more.
        let limit = max(1, min(query.limit, 100_001))
        return (
            "SELECT \(columns) FROM job t WHERE " + clauses.joined(separator: " AND ")
                + " ORDER BY t.id DESC LIMIT \(limit)",
            values
        )
    }

    /// Totals by team or user: columns key, jobs, GPU-seconds, Wh.
    static func usage(byTeam: Bool, user: String?, since: Double?, until: Double?, placeholder: (Int) -> String)
        -> (String, [Value])
    {
        var clauses = [ended]
        var values: [Value] = []
        func add(_ clause: (String) -> String, _ value: Value) {
            values.append(value)
            clauses.append(clause(placeholder(values.count)))
        }
        if let user { add({ "owner = \($0)" }, .text(user)) }
        if let since { add({ "end_time >= \($0)" }, .real(since)) }
        if let until { add({ "end_time < \($0)" }, .real(until)) }
        let key = byTeam ? "COALESCE(team, 'default')" : "owner"
        return (
            "SELECT \(key) AS k, COUNT(*) AS n, COALESCE(SUM(gpu_seconds), 0) AS s, COALESCE(SUM(energy_wh), 0) AS e "
                + "FROM job WHERE " + clauses.joined(separator: " AND ") + " GROUP BY 1 ORDER BY 1",
            values
        )
    }

    /// Deletes ended jobs that ended before `$1`, except live ones (processes may still run) and the highest id
    /// (ids go on from it after a restart).
    static func purge(placeholder: String) -> String {
        "DELETE FROM job WHERE \(ended) AND end_time < \(placeholder) AND NOT COALESCE(\"live\", FALSE) "
            + "AND id < (SELECT MAX(id) FROM job)"
    }

    /// GPU-seconds by team and window of end time (`Store.endedUse`): columns team, window index, GPU-seconds;
    /// `first` the first end time, `second` the window's seconds; `floor` the store's rounding down (SQLite's
    /// cast of a positive number truncates, PostgreSQL's rounds).
    static func endedUse(_ first: String, _ second: String, floor: String) -> String {
        "SELECT COALESCE(team, 'default') AS k, CAST(\(floor)(end_time / \(second)) AS BIGINT) AS w, "
            + "COALESCE(SUM(gpu_seconds), 0) AS s FROM job WHERE \(ended) AND end_time >= \(first) GROUP BY 1, 2"
    }

    /// What `Store.load` reads of table `job`: the live rows, through the partial index `job_live`.
    static let liveJobs = #"FROM job t WHERE "live" ORDER BY t.id"#
}
