/// A promise backfill made to the job at the head of the queue: these GPUs, by this time at the latest.
public struct Reservation: Sendable, Hashable {
    public var jobID: JobID
    public var at: Seconds
    public var placement: Placement
    /// Planning passes that reused it since it was computed.
    public var reuses: Int

    /// The reserved GPUs by node (derived from `placement` once, since passes that reuse it look nodes up).
    public let gpusByNode: [Int32: UInt64]

    public init(jobID: JobID, at: Seconds, placement: Placement, reuses: Int = 0) {
        self.jobID = jobID
        self.at = at
        self.placement = placement
        self.reuses = reuses
        var index: [Int32: UInt64] = [:]
        index.reserveCapacity(placement.nodes.count)
        for i in placement.nodes.indices { index[placement.nodes[i], default: 0] |= placement.gpuMasks[i] }
        gpusByNode = index
    }

    /// How many passes may reuse a reservation before it is recomputed (it can only get earlier when jobs end
    /// before their time limits, so reusing it is safe, just conservative).
    public static let maxReuses = 256
}
