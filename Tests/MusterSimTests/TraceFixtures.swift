import Foundation
import MusterSim

/// The shared trace directory, or nil (tests that need it skip with a message).
let traceDirectory: String? = {
    if let dir = ProcessInfo.processInfo.environment["MUSTER_TRACE_DIR"] { return dir }
    let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    let dir = repo.deletingLastPathComponent().appendingPathComponent("shared/data/traces").path
    return FileManager.default.fileExists(atPath: dir + "/philly") ? dir : nil
}()

/// Writes `text` to a fresh temporary file named `name`, gzip-compressed if the name ends in `.gz`.
func temporaryFile(_ name: String, _ text: String) throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("muster-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let plain = dir.appendingPathComponent(name.hasSuffix(".gz") ? String(name.dropLast(3)) : name)
    try text.write(to: plain, atomically: true, encoding: .utf8)
    guard name.hasSuffix(".gz") else { return plain.path }
    let gzip = Process()
    gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
    gzip.arguments = ["-f", plain.path]
    try gzip.run()
    gzip.waitUntilExit()
    return plain.path + ".gz"
}
