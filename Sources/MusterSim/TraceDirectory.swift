import Foundation

/// Finds the public traces: `--trace-dir`, else `$MUSTER_TRACE_DIR`, else `../shared/data/traces` when present.
public enum TraceDirectory {
    /// The directory to read traces from.
    public static func resolve(_ explicit: String?) throws(TraceError) -> String {
        let environment = ProcessInfo.processInfo.environment["MUSTER_TRACE_DIR"]
        let candidates = [explicit, environment, "../shared/data/traces"].compactMap { $0 }
        for dir in candidates {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory), isDirectory.boolValue {
                return dir
            }
            if dir == explicit || dir == environment {
                throw .noTraceDirectory("trace directory '\(dir)' does not exist")
            }
        }
        throw .noTraceDirectory(
            "no trace directory: pass --trace-dir DIR or set MUSTER_TRACE_DIR. The public traces (Microsoft Philly, "
                + "Alibaba PAI 2023) are not shipped with Muster; see the README for where to get them.")
    }
}
