/// What a relay sent to the controller: batches and what they carried, and the slowest heartbeat batch's round
/// trip (the controller's heartbeat processing lag as the relay sees it).
public struct RelayStats: Sendable, Hashable {
    public var heartbeatBatches = 0
    public var heartbeats = 0
    public var reportBatches = 0
    public var reports = 0
    public var polls = 0
    public var slowestHeartbeatBatch = 0.0

    public init() {}

    /// The sum of several relays' figures (the slowest batch is the slowest of all).
    public static func + (a: RelayStats, b: RelayStats) -> RelayStats {
        var sum = a
        sum.heartbeatBatches += b.heartbeatBatches
        sum.heartbeats += b.heartbeats
        sum.reportBatches += b.reportBatches
        sum.reports += b.reports
        sum.polls += b.polls
        sum.slowestHeartbeatBatch = max(a.slowestHeartbeatBatch, b.slowestHeartbeatBatch)
        return sum
    }
}
