/// One team's or user's use over a window (`muster usage`, sreport's line).
public struct UsageTotal: Sendable, Hashable {
    /// The team or user.
    public var key: String
    public var jobs: Int
    public var gpuHours: Double
    public var energyKWh: Double

    public init(key: String, jobs: Int, gpuHours: Double, energyKWh: Double) {
        self.key = key
        self.jobs = jobs
        self.gpuHours = gpuHours
        self.energyKWh = energyKWh
    }
}
