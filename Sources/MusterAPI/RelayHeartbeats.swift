/// `POST /v1/relays/{relay}/heartbeats`: the heartbeats of the nodes behind one relay, sent together. At most
/// `RelayLimits.maxNodes` beats; each is checked as a node's own heartbeat is.
public struct RelayHeartbeats: Codable, Sendable, Hashable {
    public var beats: [Heartbeat]

    public init(beats: [Heartbeat]) { self.beats = beats }
}

/// The answer to `RelayHeartbeats`: one answer per beat, in the same order.
public struct RelayHeartbeatsAnswer: Codable, Sendable, Hashable {
    public var answers: [HeartbeatResponse]

    public init(answers: [HeartbeatResponse]) { self.answers = answers }
}

/// Bounds on what one relay request carries.
public enum RelayLimits {
    /// Nodes (beats, report lists, polled nodes) in one relay request: 1 to 4,096.
    public static let maxNodes = 4_096
    /// Relay names: 1 to 64 letters, digits, '.', '_' or '-' (as node names).
    public static let maxNameLength = 64
}
