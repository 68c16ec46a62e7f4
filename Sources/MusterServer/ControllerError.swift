import MusterAPI

/// An error the controller answers with: an HTTP status and the `{"error": {"code", "message"}}` body.
public struct ControllerError: Error, Sendable, CustomStringConvertible {
    public var statusCode: Int
    public var body: ErrorBody
    /// Seconds a client should wait before it tries again (`Retry-After`), for 503s that pass.
    public var retryAfter: Int?

    public init(status: Int, code: String, message: String, field: String? = nil) {
        statusCode = status
        body = ErrorBody(code: code, message: message, field: field)
    }

    public var description: String { "\(statusCode) \(body.error.code): \(body.error.message)" }

    /// 400: a field of the request is wrong; the message says how.
    public static func invalid(_ field: String, _ message: String) -> ControllerError {
        ControllerError(status: 400, code: "invalid_field", message: "\(field): \(message)", field: field)
    }

    /// 400: the request could not be read at all.
    public static func badRequest(_ message: String) -> ControllerError {
        ControllerError(status: 400, code: "bad_request", message: message)
    }

    /// 404.
    public static func notFound(_ message: String) -> ControllerError {
        ControllerError(status: 404, code: "not_found", message: message)
    }

    /// 409: the request conflicts with the current state (cancelling a finished job).
    public static func conflict(_ message: String) -> ControllerError {
        ControllerError(status: 409, code: "conflict", message: message)
    }

    /// 422: the job can never run on this cluster.
    public static func neverFits(_ message: String) -> ControllerError {
        ControllerError(status: 422, code: "never_fits", message: message)
    }

    /// 500: the store failed; nothing was acknowledged.
    public static func `internal`(_ message: String) -> ControllerError {
        ControllerError(status: 500, code: "internal", message: message)
    }
}
