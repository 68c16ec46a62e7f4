/// `GET /v1/jobs/{id}/logs?rank=R&offset=N`: the bytes of one rank's output from `offset` on (at most 1 MiB).
public struct LogChunk: Codable, Sendable, Hashable {
    public var jobID: Int64
    public var rank: Int
    public var offset: Int64
    /// The text (invalid UTF-8 repaired).
    public var data: String
    /// Where the next read starts.
    public var nextOffset: Int64
    /// True when the job is over and everything was read: `logs -f` stops.
    public var complete: Bool
    public var path: String

    public init(
        jobID: Int64, rank: Int, offset: Int64, data: String, nextOffset: Int64, complete: Bool, path: String
    ) {
        self.jobID = jobID
        self.rank = rank
        self.offset = offset
        self.data = data
        self.nextOffset = nextOffset
        self.complete = complete
        self.path = path
    }

    enum CodingKeys: String, CodingKey {
        case jobID = "job_id"
        case rank, offset, data
        case nextOffset = "next_offset"
        case complete, path
    }
}
