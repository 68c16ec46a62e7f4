import MusterAPI

/// A registered node as the controller keeps it durably.
public struct NodeRecord: Sendable, Hashable {
    public var name: String
    public var inventory: RegisterAgentRequest
    public var up: Bool
    /// Seconds since the Unix epoch.
    public var lastHeartbeat: Double

    public init(name: String, inventory: RegisterAgentRequest, up: Bool, lastHeartbeat: Double) {
        self.name = name
        self.inventory = inventory
        self.up = up
        self.lastHeartbeat = lastHeartbeat
    }
}
