/// `POST /v1/agents/{name}/logs`: a piece of a rank's output, uploaded by the agent that runs it, so `muster logs`
/// works whatever host the rank ran on.
public struct LogUpload: Codable, Sendable, Hashable {
    /// Most bytes one upload may carry.
    public static let maxBytes = 1 << 20

    public var task: TaskKey
    /// Where `data` goes in the output file.
    public var offset: Int64
    /// The bytes, base64-encoded (output need not be UTF-8).
    public var data: String

    public init(task: TaskKey, offset: Int64, data: String) {
        self.task = task
        self.offset = offset
        self.data = data
    }
}
