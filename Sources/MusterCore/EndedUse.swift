/// GPU-seconds a team's ended jobs used, summed over those that ended in one short window around `end`: what
/// the store gives a restarting controller to rebuild fair share without loading the ended jobs.
public struct EndedUse: Sendable, Hashable {
    /// The jobs' team.
    public var team: String
    /// The middle of the window the jobs ended in (seconds since 1970).
    public var end: Double
    public var gpuSeconds: Double

    public init(team: String, end: Double, gpuSeconds: Double) {
        self.team = team
        self.end = end
        self.gpuSeconds = gpuSeconds
    }
}
