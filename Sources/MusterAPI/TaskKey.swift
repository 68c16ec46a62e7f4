/// One process of a job run: the job, its fencing epoch and the rank, or a task of one of its steps.
public struct TaskKey: Codable, Sendable, Hashable, CustomStringConvertible {
    public var jobID: Int64
    public var epoch: Int
    /// The rank, or for a step task its `SLURM_PROCID` within the step.
    public var rank: Int
    /// The step (`srun`) the task belongs to; absent for a rank of the job itself.
    public var step: Int?

    public init(jobID: Int64, epoch: Int, rank: Int, step: Int? = nil) {
        self.jobID = jobID
        self.epoch = epoch
        self.rank = rank
        self.step = step
    }

    public var description: String {
        step.map { "job \(jobID) step \($0) task \(rank) (epoch \(epoch))" }
            ?? "job \(jobID) rank \(rank) (epoch \(epoch))"
    }

    enum CodingKeys: String, CodingKey {
        case jobID = "job_id"
        case epoch, rank, step
    }
}
