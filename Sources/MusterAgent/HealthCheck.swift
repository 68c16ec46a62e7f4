import Foundation

/// The operator's node health script, as Slurm's `HealthCheckProgram`: run every so often; exit 0 is healthy,
/// anything else (or no answer within `timeout`) a failure whose words are the exit code and the script's first
/// line of output. The controller drains a failing node and stops its jobs (requeued if they may be).
struct HealthCheck: Sendable {
    let script: String
    let node: String
    let timeout: Double

    /// Runs the script once: nil when healthy, else why not.
    func run() async -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: script)
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("MUSTER_") }
        env["MUSTER_NODE_NAME"] = node
        process.environment = env
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return "cannot run \(script): \(error.localizedDescription)"
        }
        let pid = process.processIdentifier
        let timer = Task {
            try? await Task.sleep(for: .seconds(timeout))
            if !Task.isCancelled, process.isRunning { kill(pid, SIGKILL) }
        }
        let data = await Task.detached { pipe.fileHandleForReading.readDataToEndOfFile() }.value
        process.waitUntilExit()
        timer.cancel()
        if process.terminationReason == .uncaughtSignal {
            return "\(script) was killed (signal \(process.terminationStatus); timeout \(Int(timeout)) s)"
        }
        guard process.terminationStatus != 0 else { return nil }
        let first = String(decoding: data.prefix(4096), as: UTF8.self).split(separator: "\n").first.map(String.init)
        return "exit \(process.terminationStatus)" + (first.map { ": \($0)" } ?? "")
    }
}
