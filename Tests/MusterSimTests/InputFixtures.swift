import CZlib
import Foundation
import Testing

/// Shared helpers for the input-side tests (trace readers, JSONL, presets).
enum InputFixtures {
    /// The shared trace directory (`$MUSTER_TRACE_DIR`, else `<repo>/../shared/data/traces`), or nil when absent.
    static let traceDirectory: String? = {
        if let dir = ProcessInfo.processInfo.environment["MUSTER_TRACE_DIR"], !dir.isEmpty { return dir }
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let dir = repo.deletingLastPathComponent().appendingPathComponent("shared/data/traces").path
        return FileManager.default.fileExists(atPath: dir + "/philly") ? dir : nil
    }()

    /// The trace directory; only called by tests that are enabled when it exists.
    static var traces: String { traceDirectory ?? "/nonexistent" }

    /// The description of the error `body` throws; records an issue and returns "" when it throws none.
    static func errorText(
        _ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation
    ) -> String {
        do {
            try body()
        } catch {
            return "\(error)"
        }
        Issue.record("expected an error", sourceLocation: sourceLocation)
        return ""
    }

    /// One temporary folder for this test process, removed when the process exits.
    private static let root: String = {
        let path = NSTemporaryDirectory() + "muster-input-\(getpid())"
        atexit { try? FileManager.default.removeItem(atPath: InputFixtures.root) }
        return path
    }()

    /// A fresh empty temporary folder (inside `root`).
    static func folder() throws -> String {
        let dir = root + "/" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Writes `text` to a new file `name` in a fresh folder, gzip-compressed (by zlib) if the name ends in `.gz`.
    static func file(_ name: String, _ text: String) throws -> String {
        let path = try folder() + "/" + name
        if name.hasSuffix(".gz") {
            guard let gz = gzopen(path, "wb") else { throw CocoaError(.fileWriteUnknown) }
            let bytes = Array(text.utf8)
            _ = bytes.withUnsafeBytes { gzwrite(gz, $0.baseAddress, UInt32($0.count)) }
            gzclose(gz)
        } else {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }
        return path
    }
}
