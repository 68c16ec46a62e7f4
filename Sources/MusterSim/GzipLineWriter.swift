import CZlib

/// Writes text files line by line, gzip-compressed when the path ends in `.gz`: the writing side of
/// `GzipLineReader`, for workloads and per-job results.
enum GzipLineWriter {
    /// Writes each of `lines` followed by a newline. Errors name the path.
    static func write(_ lines: some Sequence<String>, to path: String) throws(TraceError) {
        guard let file = gzopen(path, path.hasSuffix(".gz") ? "wb6" : "wbT") else {
            throw .unwritable(path: path, reason: "cannot create the file (missing folder or no permission?)")
        }
        var chunk: [UInt8] = []
        chunk.reserveCapacity(1 << 20)
        func flush() -> Bool {
            defer { chunk.removeAll(keepingCapacity: true) }
            return chunk.isEmpty || chunk.withUnsafeBytes { gzwrite(file, $0.baseAddress, UInt32($0.count)) } > 0
        }
        var ok = true
        for line in lines where ok {
            chunk.append(contentsOf: line.utf8)
            chunk.append(0x0A)
            if chunk.count >= 1 << 20 { ok = flush() }
        }
        ok = ok && flush()
        let closed = gzclose(file) == Z_OK
        guard ok && closed else { throw .unwritable(path: path, reason: "write failed (disk full?)") }
    }
}
