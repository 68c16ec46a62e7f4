import Foundation
import MusterAPI
import MusterClient
import Synchronization

/// A node for `muster bench control-plane`: it speaks the agents' real protocol (register, long-poll for
/// assignments, heartbeats carrying its running tasks and reports), over its own sockets or through its leaf's
/// relay (`NodeLink`), but starts no process: a task "runs" for the seconds its command names (`sleep N`;
/// anything else ends at once) and exits 0.
final class SimulatedNode: Sendable {
    let name: String
    let leaf: String
    let gpus: Int
    let link: any NodeLink
    let instance = UUID().uuidString
    /// Tasks running here and the reports not yet sent.
    private let state = Mutex(State())
    /// Heartbeats and polls that failed (the controller answered late or not at all), and the last reason.
    let failures = Atomic<Int>(0)
    let lastFailure = Mutex<String?>(nil)

    struct State: Sendable {
        var running: Set<TaskKey> = []
        var unsent: [TaskReport] = []
        var heartbeatInterval = 3.0
        var after: Int64 = 0
        var controllerInstance: String?
        var registered = false
        var token = ""
    }

    init(name: String, leaf: String, gpus: Int, link: any NodeLink) {
        self.name = name
        self.leaf = leaf
        self.gpus = gpus
        self.link = link
    }

    private var token: String { state.withLock { $0.token } }

    /// The heartbeat interval the controller asked for.
    var heartbeatInterval: Double { state.withLock { $0.heartbeatInterval } }

    /// Registers (again, after a controller restart forgot it), retrying until it is taken.
    func register() async {
        var delay = 0.05
        while !Task.isCancelled {
            let request = RegisterAgentRequest(
                name: name,
                gpus: (0..<gpus).map {
                    GPUInfo(index: $0, model: "NVIDIA H100 80GB HBM3", memoryMib: 81_559, uuid: "GPU-\(name)-\($0)")
                }, cpus: 128, memoryMib: 2_000_000, leaf: leaf, spine: "spine0", address: "127.0.0.1",
                instance: instance)
            if let answer = try? await link.register(request) {
                state.withLock {
                    $0.token = answer.agentToken
                    $0.heartbeatInterval = answer.heartbeatInterval
                    $0.registered = true
                }
                return
            }
            try? await Task.sleep(for: .seconds(delay))
            delay = min(2, delay * 2)
        }
    }

    /// Long-polls and heartbeats until cancelled.
    func run() async {
        await register()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.pollLoop() }
            group.addTask { await self.heartbeatLoop() }
        }
    }

    private func pollLoop() async {
        while !Task.isCancelled {
            let (after, instance) = state.withLock { ($0.after, $0.controllerInstance) }
            do {
                let batch = try await link.assignments(
                    node: name, after: after, instance: instance, waitMilliseconds: 25_000, token: token)
                state.withLock {
                    $0.after = batch.seq
                    $0.controllerInstance = batch.controllerInstance
                }
                for assignment in batch.assignments { start(assignment) }
                for kill in batch.kill { stop(kill) }
            } catch {
                if Task.isCancelled { return }
                failed(error)
                if error.status == 404 || error.status == 401 { await register() }
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    private func heartbeatLoop() async {
        while !Task.isCancelled {
            let (interval, running, reports, taken) = state.withLock { s in
                (
                    s.heartbeatInterval, s.running.sorted { ($0.jobID, $0.rank) < ($1.jobID, $1.rank) }, s.unsent,
                    Date().timeIntervalSince1970
                )
            }
            do {
                let answer = try await link.heartbeat(
                    Heartbeat(name: name, instance: instance, running: running, reports: reports, time: taken),
                    token: token)
                state.withLock {
                    $0.unsent.removeFirst(min(reports.count, $0.unsent.count))
                    if let interval = answer.interval, interval.isFinite, interval > 0 {
                        $0.heartbeatInterval = min(interval, 3_600)
                    }
                }
                for kill in answer.kill { stop(kill) }
                if answer.reregister { await register() }
            } catch {
                if Task.isCancelled { return }
                failed(error)
                if error.status == 404 || error.status == 401 { await register() }
            }
            try? await Task.sleep(for: .seconds(interval))
        }
    }

    private func failed(_ error: ClientError) {
        failures.add(1, ordering: .relaxed)
        lastFailure.withLock { $0 = error.description }
    }

    /// Reports `started` now (with the next heartbeat or at once) and `exited 0` after the task's seconds.
    private func start(_ assignment: Assignment) {
        let key = assignment.task
        let fresh = state.withLock { s -> Bool in
            guard s.running.insert(key).inserted else { return false }
            return true
        }
        guard fresh else { return }
        let seconds =
            assignment.argv.count == 2 && assignment.argv[0].hasSuffix("sleep") ? Double(assignment.argv[1]) ?? 0 : 0
        Task {
            await self.send(TaskReport(task: key, event: .started, time: Date().timeIntervalSince1970))
            if seconds > 0 { try? await Task.sleep(for: .seconds(seconds)) }
            self.finish(key, code: 0)
        }
    }

    /// Ends every task of the killed job attempt here, as SIGTERM would.
    private func stop(_ kill: TaskKill) {
        let keys = state.withLock { s in s.running.filter { $0.jobID == kill.jobID && $0.epoch == kill.epoch } }
        for key in keys { finish(key, code: 143) }
    }

    private func finish(_ key: TaskKey, code: Int32) {
        let was = state.withLock { $0.running.remove(key) != nil }
        guard was else { return }
        Task {
            await self.send(
                TaskReport(task: key, event: .exited, time: Date().timeIntervalSince1970, exitCode: code))
        }
    }

    /// Sends one report at once, as an agent does for starts and exits; kept for the next heartbeat if that fails.
    private func send(_ report: TaskReport) async {
        do {
            try await link.report(node: name, [report], token: token)
        } catch {
            state.withLock { $0.unsent.append(report) }
        }
    }

    func shutdown() async { await link.shutdown() }
}
