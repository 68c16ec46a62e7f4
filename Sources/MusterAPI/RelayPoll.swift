/// `POST /v1/relays/{relay}/poll`: one long-poll for every node behind a relay. Each node acknowledges up to
/// `after` as its own poll does; the answer comes as soon as some node has items numbered beyond `known` (what
/// the relay already holds for it), or after `wait_ms` (0 to 60,000) with none.
public struct RelayPoll: Codable, Sendable, Hashable {
    public var nodes: [RelayPollNode]
    public var waitMs: Int

    public init(nodes: [RelayPollNode], waitMs: Int) {
        self.nodes = nodes
        self.waitMs = waitMs
    }

    enum CodingKeys: String, CodingKey {
        case nodes
        case waitMs = "wait_ms"
    }
}

/// One node of a `RelayPoll`: what its agent acknowledged, and what the relay already holds for it.
public struct RelayPollNode: Codable, Sendable, Hashable {
    public var node: String
    /// The agent's last poll: it has everything up to `after` of controller `instance`.
    public var after: Int64
    public var instance: String?
    /// The relay holds everything up to `known` of controller `known_instance` for this node.
    public var known: Int64
    public var knownInstance: String?

    public init(node: String, after: Int64, instance: String?, known: Int64, knownInstance: String?) {
        self.node = node
        self.after = after
        self.instance = instance
        self.known = known
        self.knownInstance = knownInstance
    }

    enum CodingKeys: String, CodingKey {
        case node, after, instance, known
        case knownInstance = "known_instance"
    }
}

/// The answer to `RelayPoll`: for each node that has something new, the items beyond what the relay holds, each
/// with its number (so the relay keeps a copy of the node's mailbox and answers its agent's polls from it), and
/// the nodes the controller does not know.
public struct RelayPollAnswer: Codable, Sendable, Hashable {
    /// The controller process that numbered the items.
    public var controllerInstance: String
    public var nodes: [NodeItems]
    public var unknown: [String]

    public init(controllerInstance: String, nodes: [NodeItems], unknown: [String]) {
        self.controllerInstance = controllerInstance
        self.nodes = nodes
        self.unknown = unknown
    }

    enum CodingKeys: String, CodingKey {
        case controllerInstance = "controller_instance"
        case nodes, unknown
    }
}

/// One node's new items in a `RelayPollAnswer`, in order.
public struct NodeItems: Codable, Sendable, Hashable {
    public var node: String
    public var items: [RelayItem]

    public init(node: String, items: [RelayItem]) {
        self.node = node
        self.items = items
    }
}

/// One numbered item of a node's mailbox: an assignment or a kill.
public struct RelayItem: Codable, Sendable, Hashable {
    public var seq: Int64
    public var assignment: Assignment?
    public var kill: TaskKill?

    public init(seq: Int64, assignment: Assignment? = nil, kill: TaskKill? = nil) {
        self.seq = seq
        self.assignment = assignment
        self.kill = kill
    }
}
