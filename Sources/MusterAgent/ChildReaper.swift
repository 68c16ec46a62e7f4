import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Starts job processes and reaps them: one thread waits for any child and hands each exit status to the
/// callback registered when that child was started.
///
/// Spawning happens under the reaper's lock, so a child that exits at once is always found. The thread reaps
/// every child of the process: start other children only with this type while agents run.
public final class ChildReaper: @unchecked Sendable {
    /// The process-wide reaper.
    public static let shared = ChildReaper()

    private let condition = NSCondition()
    private var handlers: [pid_t: @Sendable (Int32) -> Void] = [:]
    private var started = false

    private init() {}

    /// Spawns with `spawn` (which returns the pid or throws) and calls `onExit` with the exit code (128 + signal
    /// when killed by one) once the process ends.
    public func start(
        _ spawn: () throws -> pid_t, onExit: @escaping @Sendable (Int32) -> Void
    ) rethrows -> pid_t {
        condition.lock()
        defer { condition.unlock() }
        if !started {
            started = true
            let thread = Thread { [unowned self] in self.loop() }
            thread.name = "muster-reaper"
            thread.start()
        }
        let pid = try spawn()
        handlers[pid] = onExit
        condition.signal()
        return pid
    }

    private func loop() {
        while true {
            condition.lock()
            while handlers.isEmpty { condition.wait() }
            condition.unlock()
            var status: Int32 = 0
            let pid = waitpid(-1, &status, 0)
            if pid > 0 {
                condition.lock()
                let handler = handlers.removeValue(forKey: pid)
                condition.unlock()
                handler?(Self.exitCode(status))
            } else if errno == ECHILD {
                usleep(1000)
            }
        }
    }

    /// The shell's convention: the exit status, or 128 + the signal number.
    static func exitCode(_ status: Int32) -> Int32 {
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }
}
