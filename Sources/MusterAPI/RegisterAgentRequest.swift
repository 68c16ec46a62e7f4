/// `POST /v1/agents/register`: a node agent announces itself and its inventory.
public struct RegisterAgentRequest: Codable, Sendable, Hashable {
    public var name: String
    public var gpus: [GPUInfo]
    public var cpus: Int
    public var memoryMib: Int
    /// Leaf switch (lowest topology block) and spine group the node hangs off.
    public var leaf: String
    public var spine: String
    /// Address other ranks reach this node at (`MASTER_ADDR` when it holds rank 0).
    public var address: String
    /// Random per agent process: lets the controller tell a restarted agent from a reconnecting one.
    public var instance: String

    public init(
        name: String, gpus: [GPUInfo], cpus: Int, memoryMib: Int, leaf: String, spine: String, address: String,
        instance: String
    ) {
        self.name = name
        self.gpus = gpus
        self.cpus = cpus
        self.memoryMib = memoryMib
        self.leaf = leaf
        self.spine = spine
        self.address = address
        self.instance = instance
    }

    enum CodingKeys: String, CodingKey {
        case name, gpus, cpus
        case memoryMib = "memory_mib"
        case leaf, spine, address, instance
    }
}

/// One GPU of a node, as `nvidia-smi` (or `--fake-gpus`) reports it.
public struct GPUInfo: Codable, Sendable, Hashable {
    public var index: Int
    public var model: String
    public var memoryMib: Int
    public var uuid: String

    public init(index: Int, model: String, memoryMib: Int, uuid: String) {
        self.index = index
        self.model = model
        self.memoryMib = memoryMib
        self.uuid = uuid
    }

    enum CodingKeys: String, CodingKey {
        case index, model
        case memoryMib = "memory_mib"
        case uuid
    }
}

/// The answer to a registration: how often to heartbeat, and the controller's instance id.
public struct RegisterAgentResponse: Codable, Sendable, Hashable {
    public var heartbeatInterval: Double
    public var controllerInstance: String
    /// The bearer token this node's agent uses from now on (replaces any earlier one).
    public var agentToken: String

    public init(heartbeatInterval: Double, controllerInstance: String, agentToken: String) {
        self.heartbeatInterval = heartbeatInterval
        self.controllerInstance = controllerInstance
        self.agentToken = agentToken
    }

    enum CodingKeys: String, CodingKey {
        case heartbeatInterval = "heartbeat_interval"
        case controllerInstance = "controller_instance"
        case agentToken = "agent_token"
    }
}
