/// Which ended jobs `AccountingStore.history` returns: newest (highest id) first, filtered, one page.
public struct HistoryQuery: Sendable, Hashable {
    public var user: String?
    public var team: String?
    /// End states to include (`completed`, `failed`, `cancelled`, `preempted`); empty: all of them.
    public var states: [String]
    /// Ended at or after / before these times (seconds since 1970).
    public var since: Double?
    public var until: Double?
    /// Jobs with an id below this one only (the previous page's last id), for paging.
    public var before: Int64?
    public var limit: Int

    public init(
        user: String? = nil, team: String? = nil, states: [String] = [], since: Double? = nil, until: Double? = nil,
        before: Int64? = nil, limit: Int = 100
    ) {
        self.user = user
        self.team = team
        self.states = states
        self.since = since
        self.until = until
        self.before = before
        self.limit = limit
    }
}
