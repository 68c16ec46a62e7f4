/// One process of a job run: the job, its fencing epoch and the rank.
public struct TaskKey: Codable, Sendable, Hashable, CustomStringConvertible {
    public var jobID: Int64
    public var epoch: Int
    public var rank: Int

    public init(jobID: Int64, epoch: Int, rank: Int) {
        self.jobID = jobID
        self.epoch = epoch
        self.rank = rank
    }

    public var description: String { "job \(jobID) rank \(rank) (epoch \(epoch))" }

    enum CodingKeys: String, CodingKey {
        case jobID = "job_id"
        case epoch, rank
    }
}
