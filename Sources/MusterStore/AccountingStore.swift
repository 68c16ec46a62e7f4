/// A store that answers accounting queries over every ended job it holds, in SQL with indexes (not by loading
/// the jobs): `muster history` and `muster usage`, as Slurm's sacct and sreport.
public protocol AccountingStore: Store {
    /// Ended jobs that pass the filters, newest (highest id) first, at most `limit`.
    func history(_ query: HistoryQuery) async throws(StoreError) -> [HistoryRecord]
    /// Ended jobs' totals by team (`byTeam`) or by user, over jobs ended in [since, until), optionally one user's.
    func usage(byTeam: Bool, user: String?, since: Double?, until: Double?) async throws(StoreError) -> [UsageTotal]
    /// Deletes ended jobs that ended before `time` (retention); returns how many.
    func purgeEnded(before time: Double) async throws(StoreError) -> Int
}
