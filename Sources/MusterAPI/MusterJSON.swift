import Foundation

/// The JSON coders every side of the wire uses: keys come from each type's explicit snake_case `CodingKeys`, so
/// no key strategy is set (a strategy would also rewrite dictionary keys such as environment variable names).
public enum MusterJSON {
    /// A new encoder with Muster's settings (sorted keys keep responses stable for tests and diffs).
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    /// A new decoder with Muster's settings.
    public static func decoder() -> JSONDecoder {
        JSONDecoder()
    }

    /// Encodes `value` to bytes.
    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        try encoder().encode(value)
    }

    /// Decodes `T` from bytes.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try decoder().decode(type, from: data)
    }
}
