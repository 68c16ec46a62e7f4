/// `POST /v1/admin/tokens` (admins only): a new API token for a user.
public struct TokenRequest: Codable, Sendable, Hashable {
    public var user: String
    /// `user` (default), `admin`, or `join` (for agents).
    public var role: String?

    public init(user: String, role: String? = nil) {
        self.user = user
        self.role = role
    }
}

/// The answer to `POST /v1/admin/tokens`: the token, shown once (the controller keeps only its hash).
public struct TokenResponse: Codable, Sendable, Hashable {
    public var token: String
    public var user: String
    public var role: String

    public init(token: String, user: String, role: String) {
        self.token = token
        self.user = user
        self.role = role
    }
}
