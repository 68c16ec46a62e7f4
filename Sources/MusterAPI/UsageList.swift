/// `GET /v1/usage`: ended jobs' totals by team or user over a window.
public struct UsageList: Codable, Sendable, Hashable {
    /// `team` or `user`.
    public var by: String
    public var since: Double?
    public var until: Double
    public var rows: [UsageEntry]

    public init(by: String, since: Double?, until: Double, rows: [UsageEntry]) {
        self.by = by
        self.since = since
        self.until = until
        self.rows = rows
    }
}
