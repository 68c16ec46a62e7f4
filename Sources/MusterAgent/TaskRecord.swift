import Foundation
import MusterAPI

#if canImport(Glibc)
    import Glibc
#endif

/// What the agent writes to disk for every process it starts (`<state>/tasks/<job>-<epoch>-<rank>.json`, `<job>-<epoch>-s<step>-<task>.json` for a step task), so that
/// an agent that was killed and restarted finds the process groups its predecessor left and stops them.
struct TaskRecord: Codable, Sendable {
    var task: TaskKey
    /// The process (= process group) id.
    var pid: Int32
    /// The process's start time in clock ticks since boot (`/proc/PID/stat` field 22): tells a reused pid apart.
    var startTicks: UInt64

    static func path(_ task: TaskKey, in directory: String) -> String {
        "\(directory)/\(task.jobID)-\(task.epoch)-" + (task.step.map { "s\($0)-" } ?? "") + "\(task.rank).json"
    }

    /// Field 22 of `/proc/PID/stat`, or nil when the process is gone.
    static func startTicks(of pid: Int32) -> UInt64? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // After ")" come fields 3...; field 22 is at index 19.
        guard fields.count > 19 else { return nil }
        return UInt64(fields[19])
    }

    func write(in directory: String) {
        guard let data = try? JSONEncoder().encode(self) else { return }
        _ = FileManager.default.createFile(
            atPath: Self.path(task, in: directory), contents: data, attributes: [.posixPermissions: 0o600])
    }

    static func remove(_ task: TaskKey, in directory: String) {
        unlink(path(task, in: directory))
    }

    /// Kills every process group its predecessor left (those still alive with the recorded start time) and
    /// removes the records. Returns the tasks it stopped.
    static func stopLeftovers(in directory: String) -> [TaskKey] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var stopped: [TaskKey] = []
        for name in names.sorted() where name.hasSuffix(".json") {
            let path = directory + "/" + name
            defer { unlink(path) }
            guard let data = FileManager.default.contents(atPath: path),
                let record = try? JSONDecoder().decode(TaskRecord.self, from: data), record.pid > 1
            else { continue }
            guard startTicks(of: record.pid) == record.startTicks else { continue }
            kill(-record.pid, SIGKILL)
            kill(record.pid, SIGKILL)
            stopped.append(record.task)
            // Not our child: wait (up to 5 s) until the kernel has really ended it, so its GPUs are free.
            for _ in 0..<500 where startTicks(of: record.pid) == record.startTicks { usleep(10_000) }
        }
        return stopped
    }
}
