import CZlib

/// Reads a text file line by line, gunzipping it on the fly if it is gzip-compressed (zlib reads plain files as
/// they are). Lines are numbered from 1; a trailing `\r` is dropped.
public struct GzipLineReader: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// The file's base name, for error messages.
    public var fileName: String { String(path.split(separator: "/").last ?? Substring(path)) }

    /// Calls `body` with each line's number and text.
    /// - Complexity: O(bytes).
    public func forEachLine(_ body: (Int, Substring) throws(TraceError) -> Void) throws(TraceError) {
        guard let file = gzopen(path, "rb") else {
            throw .unreadable(path: path, reason: "no such file, or not readable")
        }
        defer { gzclose(file) }
        gzbuffer(file, 1 << 20)
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var carry: [UInt8] = []
        var lineNumber = 0
        while true {
            let read = buffer.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32($0.count)) }
            if read < 0 {
                var code: Int32 = 0
                let message = gzerror(file, &code).map { String(cString: $0) } ?? "unknown error"
                throw .unreadable(path: path, reason: "corrupt or truncated gzip data (\(message))")
            }
            if read == 0 { break }
            var start = 0
            for i in 0..<Int(read) where buffer[i] == UInt8(ascii: "\n") {
                lineNumber += 1
                var line: String
                if carry.isEmpty {
                    line = String(decoding: buffer[start..<i], as: UTF8.self)
                } else {
                    carry.append(contentsOf: buffer[start..<i])
                    line = String(decoding: carry, as: UTF8.self)
                    carry.removeAll(keepingCapacity: true)
                }
                if line.hasSuffix("\r") { line.removeLast() }
                try body(lineNumber, Substring(line))
                start = i + 1
            }
            carry.append(contentsOf: buffer[start..<Int(read)])
        }
        if !carry.isEmpty {
            lineNumber += 1
            try body(lineNumber, Substring(String(decoding: carry, as: UTF8.self)))
        }
    }
}
