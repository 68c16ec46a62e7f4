/// A minimal parser for one flat JSON object per line (`{"key": value, ...}` with string, number, boolean or null
/// values), fast enough for millions of lines and precise enough to name the offending key. Nested objects and
/// arrays are refused: Muster's JSONL format has none.
enum FlatJSON {
    /// One value; numbers keep their text so integers parse exactly.
    enum Value: Equatable {
        case string(String)
        case number(String)
        case bool(Bool)
        case null
    }

    /// Why a line is not a flat JSON object: what was expected and the 1-based column.
    struct SyntaxError: Error {
        var message: String
        var column: Int
    }

    /// The key-value pairs of the object on this line, in order.
    static func parse(_ b: UnsafeBufferPointer<UInt8>) throws(SyntaxError) -> [(key: String, value: Value)] {
        var i = 0
        func fail(_ message: String) -> SyntaxError { SyntaxError(message: message, column: i + 1) }
        func skipSpace() {
            while i < b.count, b[i] == 0x20 || b[i] == 0x09 || b[i] == 0x0D || b[i] == 0x0A { i += 1 }
        }
        func expect(_ c: UInt8) throws(SyntaxError) {
            skipSpace()
            guard i < b.count, b[i] == c else { throw fail("expected '\(Character(Unicode.Scalar(c)))'") }
            i += 1
        }
        func string() throws(SyntaxError) -> String {
            try expect(UInt8(ascii: "\""))
            var bytes: [UInt8] = []
            while true {
                guard i < b.count else { throw fail("unterminated string") }
                let c = b[i]
                i += 1
                if c == UInt8(ascii: "\"") { break }
                if c != UInt8(ascii: "\\") {
                    bytes.append(c)
                    continue
                }
                guard i < b.count else { throw fail("unterminated escape") }
                let e = b[i]
                i += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(e)
                case UInt8(ascii: "b"): bytes.append(0x08)
                case UInt8(ascii: "f"): bytes.append(0x0C)
                case UInt8(ascii: "n"): bytes.append(0x0A)
                case UInt8(ascii: "r"): bytes.append(0x0D)
                case UInt8(ascii: "t"): bytes.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar), i + 1 < b.count, b[i] == UInt8(ascii: "\\"),
                        b[i + 1] == UInt8(ascii: "u")
                    {
                        i += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw fail("bad surrogate pair") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    let character = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                    bytes.append(contentsOf: Array(String(Character(character)).utf8))
                default: throw fail("bad escape '\\\(Character(Unicode.Scalar(e)))'")
                }
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        func hex4() throws(SyntaxError) -> UInt32 {
            guard i + 4 <= b.count else { throw fail("short \\u escape") }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let c = b[i]
                let d: UInt32
                switch c {
                case 48...57: d = UInt32(c - 48)
                case 65...70: d = UInt32(c - 55)
                case 97...102: d = UInt32(c - 87)
                default: throw fail("bad \\u escape")
                }
                v = v * 16 + d
                i += 1
            }
            return v
        }
        func literal(_ word: String, _ value: Value) throws(SyntaxError) -> Value {
            for c in word.utf8 {
                guard i < b.count, b[i] == c else { throw fail("expected a value") }
                i += 1
            }
            return value
        }
        func value() throws(SyntaxError) -> Value {
            skipSpace()
            guard i < b.count else { throw fail("expected a value") }
            switch b[i] {
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): return try literal("true", .bool(true))
            case UInt8(ascii: "f"): return try literal("false", .bool(false))
            case UInt8(ascii: "n"): return try literal("null", .null)
            case UInt8(ascii: "{"), UInt8(ascii: "["): throw fail("nested objects and arrays are not supported")
            default:
                let start = i
                while i < b.count,
                    b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: ".")
                        || b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") || (48...57).contains(b[i])
                {
                    i += 1
                }
                guard i > start else { throw fail("expected a value") }
                return .number(String(decoding: UnsafeBufferPointer(rebasing: b[start..<i]), as: UTF8.self))
            }
        }

        var pairs: [(key: String, value: Value)] = []
        try expect(UInt8(ascii: "{"))
        skipSpace()
        if i < b.count, b[i] == UInt8(ascii: "}") {
            i += 1
        } else {
            while true {
                let key = try string()
                try expect(UInt8(ascii: ":"))
                pairs.append((key, try value()))
                skipSpace()
                guard i < b.count else { throw fail("expected ',' or '}'") }
                if b[i] == UInt8(ascii: "}") {
                    i += 1
                    break
                }
                try expect(UInt8(ascii: ","))
            }
        }
        skipSpace()
        guard i == b.count else { throw fail("unexpected text after the object") }
        return pairs
    }

    /// `s` as a JSON string literal, quotes included.
    static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
