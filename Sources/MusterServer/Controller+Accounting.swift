import MusterAPI
import MusterCore
import MusterStore

/// Accounting: every ended job stays queryable in the store (`muster history`, `muster usage`), as Slurm's
/// sacct and sreport. Users see their own jobs; admins everyone's.
extension Controller {
    /// One page of ended jobs; a user asking for another user's is refused.
    public func history(_ query: HistoryQuery, by principal: Principal) async throws(ControllerError) -> HistoryList {
        var query = query
        query.user = try Self.ownUser(query.user, principal)
        let store = try accountingStore()
        let records = try await fromStore { () async throws(StoreError) in try await store.history(query) }
        let entries = records.map { r in
            HistoryEntry(
                id: r.id, name: r.name, user: r.user, team: r.team, className: r.className, state: r.state,
                submitTime: r.submittedAt, startTime: r.startedAt, endTime: r.endedAt, gpus: r.gpus, nodes: r.nodes,
                gpuHours: r.gpuHours, energyWh: r.energyWh, restarts: r.restarts, preemptions: r.preemptions,
                exitCode: r.exitCode, reason: r.reason)
        }
        return HistoryList(jobs: entries, nextBefore: entries.count == query.limit ? entries.last?.id : nil)
    }

    /// Totals by team or user over [since, until); a user gets only their own jobs' totals. A team's share of its
    /// guarantee is given when the window is bounded.
    public func usage(byTeam: Bool, since: Double?, until: Double?, by principal: Principal)
        async throws(ControllerError) -> UsageList
    {
        let user = try Self.ownUser(nil, principal)
        let end = until ?? clock.now()
        let store = try accountingStore()
        let totals = try await fromStore { () async throws(StoreError) in
            try await store.usage(byTeam: byTeam, user: user, since: since, until: end)
        }
        var guarantees: [String: Int] = [:]
        for team in sharing.teams { guarantees[team.name] = team.guarantee }
        let rows = totals.map { t in
            var share: Double?
            if byTeam, let since, end > since, let guarantee = guarantees[t.key], guarantee > 0 {
                share = t.gpuHours / (Double(guarantee) * (end - since) / 3_600)
            }
            return UsageEntry(
                key: t.key, jobs: t.jobs, gpuHours: t.gpuHours, energyKWh: t.energyKWh, guaranteeShare: share)
        }
        return UsageList(by: byTeam ? "team" : "user", since: since, until: end, rows: rows)
    }

    /// Ended jobs that ended more than `days` ago leave the store (`--history-days`); returns how many.
    public func purgeHistory(olderThan days: Double) async throws(ControllerError) -> Int {
        let store = try accountingStore()
        let before = clock.now() - days * 86_400
        return try await fromStore { () async throws(StoreError) in try await store.purgeEnded(before: before) }
    }

    /// The user a non-admin may ask about: only themselves.
    private static func ownUser(_ asked: String?, _ principal: Principal) throws(ControllerError) -> String? {
        if principal.admin { return asked }
        if let asked, asked != principal.user {
            throw .forbidden("only admins may see another user's jobs; you are \(principal.user)")
        }
        return principal.user
    }

    private func accountingStore() throws(ControllerError) -> any AccountingStore {
        guard let store = store as? any AccountingStore else {
            throw ControllerError(
                status: 501, code: "not_implemented", message: "this controller's store keeps no job history")
        }
        return store
    }
}
