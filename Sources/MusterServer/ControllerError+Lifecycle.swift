import MusterCore

extension ControllerError {
    /// The HTTP form of a lifecycle refusal.
    init(_ error: LifecycleError) {
        switch error {
        case .invalid(let field, let message): self = .invalid(field, message)
        case .notFound(let message): self = .notFound(message)
        case .forbidden(let message): self = .forbidden(message)
        case .conflict(let message): self = .conflict(message)
        case .neverFits(let message): self = .neverFits(message)
        }
    }

    /// 401: no valid token.
    public static func unauthorized(_ message: String) -> ControllerError {
        ControllerError(status: 401, code: "unauthorized", message: message)
    }

    /// 403: a valid token that may not do this.
    public static func forbidden(_ message: String) -> ControllerError {
        ControllerError(status: 403, code: "forbidden", message: message)
    }

    /// 413: the body is larger than the API accepts.
    public static func tooLarge(_ message: String) -> ControllerError {
        ControllerError(status: 413, code: "too_large", message: message)
    }

    /// 503: the controller cannot take the change right now; nothing was changed.
    public static func unavailable(_ message: String) -> ControllerError {
        ControllerError(status: 503, code: "unavailable", message: message)
    }
}
