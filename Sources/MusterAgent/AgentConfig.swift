import Foundation

/// How a node agent runs.
public struct AgentConfig: Sendable {
    public var controllerURL: String
    public var name: String
    /// Made-up GPUs instead of `nvidia-smi`'s.
    public var fakeGPUs: Int?
    public var leaf: String
    public var spine: String
    /// Where other ranks reach this node (`MASTER_ADDR` when it holds rank 0).
    public var address: String
    /// Where the agent writes job scripts.
    public var scratchDir: String
    /// Long-poll length in milliseconds.
    public var pollMilliseconds: Int

    public init(
        controllerURL: String, name: String, fakeGPUs: Int? = nil, leaf: String = "leaf0", spine: String = "spine0",
        address: String = "127.0.0.1", scratchDir: String? = nil, pollMilliseconds: Int = 20_000
    ) {
        self.controllerURL = controllerURL
        self.name = name
        self.fakeGPUs = fakeGPUs
        self.leaf = leaf
        self.spine = spine
        self.address = address
        self.scratchDir = scratchDir ?? (NSTemporaryDirectory() + "muster-agent-\(name)")
        self.pollMilliseconds = pollMilliseconds
    }
}
