import Foundation
import MusterAPI
import MusterCore
import MusterStore

extension Controller {
    /// The principal behind a user or admin token; 401 without a valid one.
    public func principal(bearer token: String?) throws(ControllerError) -> Principal {
        guard let token, let record = tokens.lookup(token), record.role != .join else {
            throw .unauthorized(
                "a valid API token is required (Authorization: Bearer TOKEN); muster finds it in --token, "
                    + "$MUSTER_TOKEN or the data directory's token file; an admin makes one with "
                    + "muster admin token create --user NAME")
        }
        return Principal(user: record.user, admin: record.role == .admin)
    }

    /// Checks a join token (agents registering); 401 otherwise.
    public func checkJoin(bearer token: String?) throws(ControllerError) {
        guard let token, let record = tokens.lookup(token), record.role == .join else {
            throw .unauthorized("registering a node needs the cluster's join token (muster agent --join-token-file)")
        }
    }

    /// Checks that `token` is the agent token `node` got at its registration; 401 otherwise (the agent then
    /// registers again with the join token).
    public func checkAgent(_ node: String, bearer token: String?) throws(ControllerError) {
        guard let token, tokens.isNodeToken(token, of: node) else {
            throw .unauthorized("not the current agent token of node \(node); register again")
        }
    }

    /// Issues and stores a new token; only admins may.
    public func createToken(_ request: TokenRequest, by principal: Principal) async throws(ControllerError)
        -> TokenResponse
    {
        guard principal.admin else { throw .forbidden("only an admin may create tokens") }
        guard !request.user.isEmpty, request.user.utf8.count <= 64,
            request.user.unicodeScalars.allSatisfy({
                $0.properties.isAlphabetic || "0123456789._-".unicodeScalars.contains($0)
            })
        else {
            throw .invalid("user", "a user name is 1 to 64 letters, digits, '.', '_' or '-'")
        }
        guard let role = TokenRecord.Role(rawValue: request.role ?? "user") else {
            throw .invalid("role", "must be user, admin or join")
        }
        return try await issueToken(user: request.user, role: role)
    }

    /// Issues a token and stores its hash; returns the token (shown once).
    public func issueToken(user: String, role: TokenRecord.Role) async throws(ControllerError) -> TokenResponse {
        let (token, record) = TokenRegistry.issue(user: user, role: role, now: clock.now())
        try await commitTokens([record])
        tokens.add(record)
        return TokenResponse(token: token, user: user, role: role.rawValue)
    }

    /// True when no token exists yet (a fresh data directory).
    public var hasNoTokens: Bool { tokens.isEmpty }
}
