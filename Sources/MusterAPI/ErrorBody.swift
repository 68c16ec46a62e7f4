/// Every 4xx/5xx answer: `{"error": {"code": "...", "message": "..."}}`.
public struct ErrorBody: Codable, Sendable, Hashable, Error {
    /// The error itself.
    public struct Detail: Codable, Sendable, Hashable {
        /// Machine-readable: `invalid_field`, `never_fits`, `not_found`, `conflict`, `bad_request`, `internal`.
        public var code: String
        /// What was wrong and what to do; names the field for `invalid_field`.
        public var message: String
        /// The offending field, for `invalid_field`.
        public var field: String?

        public init(code: String, message: String, field: String? = nil) {
            self.code = code
            self.message = message
            self.field = field
        }
    }

    public var error: Detail

    public init(code: String, message: String, field: String? = nil) {
        error = Detail(code: code, message: message, field: field)
    }
}
