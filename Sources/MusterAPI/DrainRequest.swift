/// `POST /v1/nodes/{name}/drain` (admins): the node takes no new work; with `now`, its running jobs are stopped
/// (requeued if they may be).
public struct DrainRequest: Codable, Sendable, Hashable {
    /// Why, shown by `muster nodes` (1 to 256 bytes of printable text).
    public var reason: String
    public var now: Bool?

    public init(reason: String, now: Bool? = nil) {
        self.reason = reason
        self.now = now
    }
}

extension DrainRequest: WireFields {
    public static var wireFields: [String: (any WireFields.Type)?] { ["reason": nil, "now": nil] }
}
