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
    /// The agent's own directory (mode 0700): job scripts, task records (`tasks/`), default output (`logs/`).
    public var stateDir: String
    /// Long-poll length in milliseconds.
    public var pollMilliseconds: Int
    /// The cluster's join token, shown at registration only.
    public var joinToken: String?
    /// The operator's health script (exit 0: healthy), run every `healthInterval` seconds.
    public var healthScript: String?
    public var healthInterval: Double = 30

    public init(
        controllerURL: String, name: String, fakeGPUs: Int? = nil, leaf: String = "leaf0", spine: String = "spine0",
        address: String = "127.0.0.1", stateDir: String? = nil, pollMilliseconds: Int = 20_000,
        joinToken: String? = nil
    ) {
        self.controllerURL = controllerURL
        self.name = name
        self.fakeGPUs = fakeGPUs
        self.leaf = leaf
        self.spine = spine
        self.address = address
        self.stateDir = stateDir ?? FileManager.default.currentDirectoryPath + "/.muster-agent-\(name)"
        self.pollMilliseconds = pollMilliseconds
        self.joinToken = joinToken
    }

    /// Job scripts.
    var scriptDir: String { stateDir + "/scripts" }
    /// One record per running task, so a restarted agent finds what its predecessor started.
    var taskDir: String { stateDir + "/tasks" }
    /// Default output files: `logs/<job>/rank-<r>.out`.
    var logDir: String { stateDir + "/logs" }
}
