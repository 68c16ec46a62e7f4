import Foundation

/// Finds the public traces: `--trace-dir`, else `$MUSTER_TRACE_DIR`, else `../shared/data/traces` (relative to
/// the current directory) when present. The traces are never copied into the repository.
public enum TraceDirectory {
    /// Where the traces are looked for when neither the flag nor the environment names a directory.
    public static let defaultPath = "../shared/data/traces"

    /// The directory to read traces from: `explicit` (the `--trace-dir` value), else `$MUSTER_TRACE_DIR`, else
    /// `../shared/data/traces` if it exists. A named directory that does not exist is an error, not skipped.
    public static func resolve(
        _ explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(TraceError) -> String {
        if let explicit, !explicit.isEmpty {
            guard isDirectory(explicit) else { throw .noTraceDirectory("--trace-dir '\(explicit)' is not a directory") }
            return explicit
        }
        if let fromEnvironment = environment["MUSTER_TRACE_DIR"], !fromEnvironment.isEmpty {
            guard isDirectory(fromEnvironment) else {
                throw .noTraceDirectory("MUSTER_TRACE_DIR '\(fromEnvironment)' is not a directory")
            }
            return fromEnvironment
        }
        if isDirectory(defaultPath) { return defaultPath }
        throw .noTraceDirectory(
            "no trace directory: pass --trace-dir DIR or set MUSTER_TRACE_DIR (Muster also tries \(defaultPath) "
                + "from the current directory). The public traces are not shipped with Muster. DIR should hold "
                + "philly/philly_jobs_pollux.csv.gz and philly/philly_vc_nodes_helios_qssf.csv (Microsoft Philly "
                + "as processed by Pollux: github.com/petuum/adaptdl, branch osdi21-artifact, "
                + "simulator/traces/philly.csv, gzipped; VC sizes from github.com/S-Lab-System-Group/HeliosArtifact) "
                + "and alibaba-pai-2023/csv/openb_*.csv.gz (github.com/alibaba/clusterdata, "
                + "cluster-trace-gpu-v2023/csv).")
    }

    /// `directory/relative`, checked to exist; the error tells the user how to point Muster at the traces.
    public static func file(_ relative: String, in directory: String) throws(TraceError) -> String {
        let path = directory.hasSuffix("/") ? directory + relative : directory + "/" + relative
        guard GzipLineReader(path: path).exists else {
            throw .missingTraceFile(path: path, traceDirectory: directory)
        }
        return path
    }

    private static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
