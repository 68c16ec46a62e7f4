/// One team's or user's use in `GET /v1/usage` (sreport's line).
public struct UsageEntry: Codable, Sendable, Hashable {
    /// The team or the user.
    public var key: String
    public var jobs: Int
    public var gpuHours: Double
    public var energyKWh: Double
    /// For a team with a guarantee and a bounded window: GPU-hours used over the guarantee's GPU-hours in the
    /// window (1 = the whole guarantee used all the time).
    public var guaranteeShare: Double?

    public init(key: String, jobs: Int, gpuHours: Double, energyKWh: Double, guaranteeShare: Double? = nil) {
        self.key = key
        self.jobs = jobs
        self.gpuHours = gpuHours
        self.energyKWh = energyKWh
        self.guaranteeShare = guaranteeShare
    }

    enum CodingKeys: String, CodingKey {
        case key, jobs
        case gpuHours = "gpu_hours"
        case energyKWh = "energy_kwh"
        case guaranteeShare = "guarantee_share"
    }
}
