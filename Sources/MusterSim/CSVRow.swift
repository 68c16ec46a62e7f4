/// One comma-separated row, viewed in place in the reader's buffer (valid only during the line callback), with
/// typed field access whose errors name file, line and column. No quoting: the traces have none.
struct CSVRow {
    let file: String
    let line: Int
    let columns: [String]
    private let bytes: UnsafeBufferPointer<UInt8>
    /// Field `i` is `bytes[bounds[i] ..< bounds[i + 1] - 1]` (the `- 1` skips the comma).
    private var bounds: [Int]

    init(file: String, line: Int, bytes: UnsafeBufferPointer<UInt8>, columns: [String]) throws(TraceError) {
        self.file = file
        self.line = line
        self.columns = columns
        self.bytes = bytes
        var bounds = [0]
        bounds.reserveCapacity(columns.count + 1)
        for i in bytes.indices where bytes[i] == UInt8(ascii: ",") { bounds.append(i + 1) }
        bounds.append(bytes.count + 1)
        self.bounds = bounds
        guard bounds.count - 1 == columns.count else {
            throw .badRow(
                file: file, line: line,
                message: "expected \(columns.count) comma-separated fields (\(columns.joined(separator: ","))), "
                    + "found \(bounds.count - 1)")
        }
    }

    /// The bytes of field `i`.
    func field(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: bytes[bounds[i]..<(bounds[i + 1] - 1)])
    }

    func isEmpty(_ i: Int) -> Bool { bounds[i + 1] - 1 == bounds[i] }

    func string(_ i: Int) -> String { String(decoding: field(i), as: UTF8.self) }

    func int(_ i: Int) throws(TraceError) -> Int {
        if let v = Self.parseInt(field(i)) { return v }
        let text = string(i)
        if let d = Double(text), d.isFinite, d == d.rounded(), abs(d) < 9e18 { return Int(d) }
        throw fail(i, text.isEmpty ? "is empty, expected an integer" : "'\(text)' is not an integer")
    }

    func double(_ i: Int) throws(TraceError) -> Double {
        if let v = Self.parseDecimal(field(i)) { return v }
        let text = string(i)
        guard let v = Double(text), v.isFinite else {
            throw fail(i, text.isEmpty ? "is empty, expected a number" : "'\(text)' is not a number")
        }
        return v
    }

    func fail(_ i: Int, _ message: String) -> TraceError {
        .badField(file: file, line: line, field: columns[i], message: message)
    }

    /// `[-]digits`, at most 18 digits; nil for anything else (the caller falls back to the slow path).
    static func parseInt(_ b: UnsafeBufferPointer<UInt8>) -> Int? {
        var i = 0
        let negative = b.first == UInt8(ascii: "-")
        if negative { i = 1 }
        guard b.count > i, b.count - i <= 18 else { return nil }
        var v = 0
        while i < b.count {
            let d = Int(b[i]) - 48
            guard d >= 0 && d <= 9 else { return nil }
            v = v * 10 + d
            i += 1
        }
        return negative ? -v : v
    }

    private static let powersOfTen: [Double] = (0...15).map { k in (0..<k).reduce(1.0) { r, _ in r * 10 } }

    /// `[-]digits[.digits]` with at most 15 significant digits, correctly rounded (one exact division); nil for
    /// anything else (the caller falls back to the slow path).
    static func parseDecimal(_ b: UnsafeBufferPointer<UInt8>) -> Double? {
        var i = 0
        let negative = b.first == UInt8(ascii: "-")
        if negative { i = 1 }
        var mantissa: Int64 = 0
        var digits = 0
        var fraction = -1
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: ".") {
                guard fraction < 0 else { return nil }
                fraction = 0
            } else {
                let d = Int64(c) - 48
                guard d >= 0 && d <= 9 else { return nil }
                mantissa = mantissa * 10 + d
                digits += 1
                if fraction >= 0 { fraction += 1 }
            }
            i += 1
        }
        guard digits > 0, digits <= 15 else { return nil }
        let value = Double(mantissa) / powersOfTen[max(0, fraction)]
        return negative ? -value : value
    }
}
