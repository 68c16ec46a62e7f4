/// Why the lifecycle refused an event; the shell turns each case into an HTTP status.
public enum LifecycleError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A field is out of its range (400); `field` is its wire name.
    case invalid(field: String, String)
    /// No such job or node (404).
    case notFound(String)
    /// It exists but belongs to someone else (403).
    case forbidden(String)
    /// The request conflicts with the current state (409).
    case conflict(String)
    /// The job can never run on this cluster (422).
    case neverFits(String)

    public var message: String {
        switch self {
        case .invalid(let field, let message): "\(field): \(message)"
        case .notFound(let m), .forbidden(let m), .conflict(let m), .neverFits(let m): m
        }
    }

    public var description: String { message }
}

extension LifecycleError {
    /// A spec's refusal, as the lifecycle's.
    init(_ error: JobSpecError) {
        switch error {
        case .invalid(let field, let message): self = .invalid(field: field, message)
        case .neverFits(let message): self = .neverFits(message)
        }
    }
}

/// Who asks: a user name, and whether they are an admin (who may see and change every job).
public struct Principal: Sendable, Hashable, Codable {
    public var user: String
    public var admin: Bool

    public init(user: String, admin: Bool) {
        self.user = user
        self.admin = admin
    }

    /// May this principal see and change a job owned by `owner`?
    public func owns(_ owner: String) -> Bool { admin || user == owner }
}
