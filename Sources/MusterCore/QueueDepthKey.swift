/// A (state, team, class) group of active jobs.
public struct QueueDepthKey: Sendable, Hashable {
    public var state: String
    public var team: String
    public var className: String
}
