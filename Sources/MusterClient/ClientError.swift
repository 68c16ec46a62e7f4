import MusterAPI

/// Why a call to the controller failed.
public enum ClientError: Error, Sendable, CustomStringConvertible {
    /// The controller answered with an error body.
    case server(status: Int, code: String, message: String)
    /// The controller could not be reached.
    case unreachable(url: String, reason: String)
    /// The answer was not what the API promises.
    case badResponse(String)

    public var description: String {
        switch self {
        case .server(let status, let code, let message): "\(message) (\(code), HTTP \(status))"
        case .unreachable(let url, let reason):
            "cannot reach the controller at \(url): \(reason). Is it running (muster up / muster controller)? "
                + "Set MUSTER_URL or --url to its address."
        case .badResponse(let message): "unexpected answer from the controller: \(message)"
        }
    }

    /// The server's error code, if the server answered.
    public var code: String? {
        if case .server(_, let code, _) = self { return code }
        return nil
    }

    /// The HTTP status, if the server answered.
    public var status: Int? {
        if case .server(let status, _, _) = self { return status }
        return nil
    }
}
