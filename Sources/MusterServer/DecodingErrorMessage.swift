/// Turns a `DecodingError` into a 400 that names the field in wire form (`gpus`, `env.FOO`).
enum DecodingErrorMessage {
    static func controllerError(_ error: DecodingError) -> ControllerError {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let field = path(context.codingPath + [key])
            return .invalid(field, "is required")
        case .typeMismatch(let type, let context):
            return .invalid(path(context.codingPath), "expected \(typeName(type))")
        case .valueNotFound(let type, let context):
            return .invalid(path(context.codingPath), "expected \(typeName(type)), got null")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                return .badRequest("the body is not valid JSON: \(context.debugDescription)")
            }
            return .invalid(path(context.codingPath), context.debugDescription)
        @unknown default:
            return .badRequest("the body could not be read: \(error)")
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type, is Int64.Type, is Int32.Type: "an integer"
        case is Double.Type: "a number"
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        default: "\(type)"
        }
    }
}
