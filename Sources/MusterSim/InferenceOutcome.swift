/// What one replay of `muster bench inference` measured: how fast replicas were placed, what training got, and
/// what preemption cost, on a cluster of `clusterGPUs`.
public struct InferenceOutcome: Sendable, Hashable, Codable {
    public var mode: InferenceMode
    public var clusterGPUs: Int
    /// Seconds from a replica's creation to its placement.
    public var placementSeconds: Distribution
    /// Share of replicas placed within `InferenceComparison.placementTarget` of their creation.
    public var placedInTarget: Double
    /// Training jobs' seconds from submit to first start, and from submit to end.
    public var trainingWaitSeconds: Distribution
    public var trainingJCTSeconds: Distribution
    public var preemptions: Int
    /// GPU-hours of training work thrown away by preemption (since the last checkpoint, plus restarts).
    public var lostGPUHours: Double
    /// Busy share of the cluster's GPUs over the inference trace's span.
    public var utilization: Double
    /// Whether it meets the target the search asks for (replica p99 within the target, training no slower).
    public var meetsTarget: Bool
    /// Replays the cluster-size search ran to find it (1 for the dedicated baseline).
    public var replays: Int
    /// Its size is the one the search found (false: the dedicated baseline's fixed pools).
    public var sized = true

    public init(
        mode: InferenceMode, clusterGPUs: Int, placementSeconds: Distribution, placedInTarget: Double,
        trainingWaitSeconds: Distribution, trainingJCTSeconds: Distribution, preemptions: Int, lostGPUHours: Double,
        utilization: Double, meetsTarget: Bool = true, replays: Int = 1
    ) {
        self.mode = mode
        self.clusterGPUs = clusterGPUs
        self.placementSeconds = placementSeconds
        self.placedInTarget = placedInTarget
        self.trainingWaitSeconds = trainingWaitSeconds
        self.trainingJCTSeconds = trainingJCTSeconds
        self.preemptions = preemptions
        self.lostGPUHours = lostGPUHours
        self.utilization = utilization
        self.meetsTarget = meetsTarget
        self.replays = replays
    }
}
