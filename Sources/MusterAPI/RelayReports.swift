/// `POST /v1/relays/{relay}/reports`: started/exited reports of several nodes behind one relay, sent together.
public struct RelayReports: Codable, Sendable, Hashable {
    public var nodes: [NodeReports]

    public init(nodes: [NodeReports]) { self.nodes = nodes }
}

/// One node's reports in a `RelayReports`.
public struct NodeReports: Codable, Sendable, Hashable {
    public var node: String
    public var reports: [TaskReport]

    public init(node: String, reports: [TaskReport]) {
        self.node = node
        self.reports = reports
    }
}

/// The answer to `RelayReports` and `RelayPoll`: the nodes the controller does not know (they must register
/// again; their reports were not applied).
public struct RelayUnknownNodes: Codable, Sendable, Hashable {
    public var unknown: [String]

    public init(unknown: [String]) { self.unknown = unknown }
}
