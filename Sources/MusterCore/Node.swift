/// A node as the lifecycle tracks it: what it offers, whether it may be scheduled, and when it was last heard of.
public struct Node: Sendable, Hashable, Codable {
    public var inventory: NodeInventory
    public var health: NodeHealth
    /// When the controller last heard from its agent (the injected clock's time).
    public var lastHeard: Double
    /// Why an admin drained it (`muster drain`): it takes no new work, whatever its health, until resumed.
    public var drainReason: String?

    public init(inventory: NodeInventory, health: NodeHealth, lastHeard: Double, drainReason: String? = nil) {
        self.inventory = inventory
        self.health = health
        self.lastHeard = lastHeard
        self.drainReason = drainReason
    }

    public var name: String { inventory.name }

    /// May the scheduler give it new work?
    public var schedulable: Bool { health == .up && drainReason == nil }

    /// The state `muster nodes`, `/metrics` and the dashboard show: `drained` for an up node that is drained,
    /// else its health (`up`, `down`, `returning`).
    public var shownState: String { drainReason != nil && health == .up ? "drained" : health.rawValue }
}

/// Whether a node may be given work.
///
/// ```
/// up ──silent past the timeout──▶ down ──heard from again──▶ returning ──heartbeat lists nothing it does
///  ▲                                                                      not own──▶ up
/// ```
public enum NodeHealth: String, Sendable, Hashable, Codable {
    case up, down
    /// Heard from after being down: held (no new work) until its agent shows it stopped what it no longer owns.
    case returning
}

/// What a node offers, as its agent registered it.
public struct NodeInventory: Sendable, Hashable, Codable {
    public var name: String
    public var gpus: [GPUDevice]
    public var cpus: Int
    public var memoryMiB: Int
    /// Topology: the leaf switch and spine group the node hangs off.
    public var leaf: String
    public var spine: String
    /// Where its ranks can be reached (rank 0's is `MASTER_ADDR`) and where its agent serves logs.
    public var address: String

    public init(
        name: String, gpus: [GPUDevice], cpus: Int, memoryMiB: Int, leaf: String, spine: String, address: String
    ) {
        self.name = name
        self.gpus = gpus
        self.cpus = cpus
        self.memoryMiB = memoryMiB
        self.leaf = leaf
        self.spine = spine
        self.address = address
    }
}

/// One GPU of a node.
public struct GPUDevice: Sendable, Hashable, Codable {
    /// The device index (`CUDA_VISIBLE_DEVICES`).
    public var index: Int
    public var model: String
    public var memoryMiB: Int

    public init(index: Int, model: String, memoryMiB: Int) {
        self.index = index
        self.model = model
        self.memoryMiB = memoryMiB
    }
}
