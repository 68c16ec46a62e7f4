/// `GET /v1/history`: one page of ended jobs, newest first; `next_before` asks for the next page.
public struct HistoryList: Codable, Sendable, Hashable {
    public var jobs: [HistoryEntry]
    public var nextBefore: Int64?

    public init(jobs: [HistoryEntry], nextBefore: Int64? = nil) {
        self.jobs = jobs
        self.nextBefore = nextBefore
    }

    enum CodingKeys: String, CodingKey {
        case jobs
        case nextBefore = "next_before"
    }
}
