import Foundation

/// Runs `nvidia-smi` from the PATH, for GPU discovery and the GPU health check.
enum NvidiaSMI {
    /// Its exit status and output (stdout, with stderr too when `withErrors`); nil when it is not on the PATH.
    /// A program that cannot be started answers status -1 with the reason as output.
    static func run(_ arguments: [String], withErrors: Bool) -> (status: Int32, output: String)? {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        guard
            let tool = paths.map({ "\($0)/nvidia-smi" }).first(where: {
                FileManager.default.isExecutableFile(atPath: $0)
            })
        else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = withErrors ? pipe : FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return (-1, "cannot run nvidia-smi: \(error.localizedDescription)")
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
