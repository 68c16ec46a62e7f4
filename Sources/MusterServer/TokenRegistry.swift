import Crypto
import Foundation
import MusterCore
import MusterStore

/// The API tokens the controller accepts, by SHA-256 (tokens themselves are shown once, never stored), and the
/// per-node agent tokens handed out at registration (in memory: after a restart agents register again).
struct TokenRegistry: Sendable {
    private(set) var byHash: [String: TokenRecord] = [:]
    /// Node name → hash of the token its current agent got at registration.
    private var nodeTokens: [String: String] = [:]

    init(_ records: [TokenRecord]) {
        for record in records { byHash[record.hash] = record }
    }

    /// A new random token (256 bits from the system's CSPRNG) and its record.
    static func issue(user: String, role: TokenRecord.Role, now: Double) -> (token: String, record: TokenRecord) {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let prefix =
            switch role {
            case .join: "mj_"
            case .admin, .user: "mu_"
            }
        let token = prefix + bytes.map { String(format: "%02x", $0) }.joined()
        return (token, TokenRecord(hash: hash(token), user: user, role: role, createdAt: now))
    }

    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    mutating func add(_ record: TokenRecord) { byHash[record.hash] = record }

    /// The record of a valid, unrevoked token.
    func lookup(_ token: String) -> TokenRecord? {
        guard token.utf8.count <= 256, let record = byHash[Self.hash(token)], !record.revoked else { return nil }
        return record
    }

    /// Issues the token of `node`'s agent, replacing any earlier one.
    mutating func issueNodeToken(_ node: String) -> String {
        let (token, record) = Self.issue(user: "node:" + node, role: .join, now: 0)
        nodeTokens[node] = record.hash
        return token
    }

    /// True if `token` is the current agent token of `node`.
    func isNodeToken(_ token: String, of node: String) -> Bool {
        guard token.utf8.count <= 256, let expected = nodeTokens[node] else { return false }
        return Self.hash(token) == expected
    }

    var isEmpty: Bool { byHash.isEmpty }
}
