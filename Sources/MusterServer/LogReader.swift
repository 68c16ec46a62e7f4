import Foundation
import MusterAPI

/// Reads a slice of a rank's output file for `GET /v1/jobs/{id}/logs`.
enum LogReader {
    static let maxChunk = 1 << 20

    /// Up to 1 MiB from `offset`, cut at a UTF-8 character boundary. A file not yet created reads as empty.
    static func read(job: Int64, rank: Int, path: String, offset: Int64, done: Bool) -> LogChunk {
        var bytes: [UInt8] = []
        var atEnd = true
        if let handle = FileHandle(forReadingAtPath: path) {
            defer { try? handle.close() }
            if (try? handle.seek(toOffset: UInt64(offset))) != nil,
                let data = try? handle.read(upToCount: maxChunk + 1)
            {
                bytes = Array(data)
                if bytes.count > maxChunk {
                    bytes.removeLast(bytes.count - maxChunk)
                    atEnd = false
                }
            }
        }
        // Do not split a multi-byte character: leave an incomplete tail for the next read.
        if !(done && atEnd) {
            var cut = bytes.count
            var back = 0
            while cut > 0 && back < 4 && bytes[cut - 1] & 0xC0 == 0x80 {
                cut -= 1
                back += 1
            }
            if cut > 0 && bytes[cut - 1] >= 0xC0 {
                let lead = bytes[cut - 1]
                let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
                if back + 1 < length { bytes.removeLast(back + 1) }
            }
        }
        let next = offset + Int64(bytes.count)
        return LogChunk(
            jobID: job, rank: rank, offset: offset, data: String(decoding: bytes, as: UTF8.self), nextOffset: next,
            complete: done && atEnd, path: path)
    }
}
