import Foundation
import Logging
import MusterAPI
import MusterCore
import MusterServer
import MusterStore
import Synchronization
import Testing

/// A real SQLite store whose commits can be held at a gate: the window between a change in memory and its
/// commit, widened so a test can look into it.
final class GatedStore: Store {
    let inner: SQLiteStore
    let gate = Mutex(Gate())

    struct Gate {
        var closed = false
        var held = 0
        var opened = 0
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    init(path: String) throws(StoreError) { inner = try SQLiteStore(path: path) }

    func close() { gate.withLock { $0.closed = true } }

    /// Opens the gate and lets every held commit through.
    func open() {
        let waiting = gate.withLock { gate in
            gate.closed = false
            gate.opened += 1
            defer { gate.waiting = [] }
            return gate.waiting
        }
        for continuation in waiting { continuation.resume() }
    }

    /// How many commits are waiting at the gate.
    var held: Int { gate.withLock { $0.held } }
    /// Whether the gate was opened since it was first closed.
    var wasOpened: Bool { gate.withLock { $0.opened > 0 } }

    func commit(_ batch: StoreBatch) async throws(StoreError) {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let pass = gate.withLock { gate in
                guard gate.closed else { return true }
                gate.held += 1
                gate.waiting.append(continuation)
                return false
            }
            if pass { continuation.resume() }
        }
        try await inner.commit(batch)
    }

    func load() async throws(StoreError) -> StoredState { try await inner.load() }
    func jobs(ids: [Int64]) async throws(StoreError) -> [Job] { try await inner.jobs(ids: ids) }
    func job(owner: String, idempotencyKey key: String) async throws(StoreError) -> Job? {
        try await inner.job(owner: owner, idempotencyKey: key)
    }
    func endedJobs(_ query: HistoryQuery) async throws(StoreError) -> [Job] { try await inner.endedJobs(query) }
    func endedUse(since: Double, window: Double) async throws(StoreError) -> [EndedUse] {
        try await inner.endedUse(since: since, window: window)
    }
    func schemaVersion() async throws(StoreError) -> String { try await inner.schemaVersion() }
}

/// A client never sees a state that is not yet durable: a crash could take it back, and a job seen completed
/// before a failover must still be completed after it.
@Suite(.timeLimit(.minutes(1)))
struct DurableReadTests {
    @Test func aChangeStillBeingCommittedIsShownOnlyOnceItIsDurable() async throws {
        let dir = NSTemporaryDirectory() + "muster-durable-" + UUID().uuidString.prefix(8).lowercased()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try GatedStore(path: dir + "/muster.db")
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let controller = try await Controller(config: ControllerConfig(dataDir: dir), store: store, logger: logger)
        _ = try await controller.register(
            RegisterAgentRequest(
                name: "n1", gpus: [GPUInfo(index: 0, model: "X", memoryMib: 1024, uuid: "0")], cpus: 16,
                memoryMib: 65_536, leaf: "l", spine: "s", address: "127.0.0.1", instance: "i"))
        let alice = Principal(user: "alice", admin: false)
        let request = SubmitRequest(gpus: 1, command: ["/bin/true"], workdir: "/tmp")
        let id = try await controller.submit(request, by: alice, idempotencyKey: nil).id
        #expect(try await controller.job(id, for: alice).state == "pending")

        // The cancel is applied in memory and its commit waits at the gate.
        store.close()
        let cancel = Task { try await controller.cancel(id, by: alice) }
        while store.held == 0 { try await Task.sleep(for: .milliseconds(5)) }
        let seen = Task { () -> (state: String, afterCommit: Bool) in
            let job = try await controller.job(id, for: alice)
            return (job.state, store.wasOpened)
        }
        let listed = Task { () -> (states: [String], afterCommit: Bool) in
            let list = try await controller.list(
                for: alice, states: nil, team: nil, user: nil, endedSince: nil, limit: nil)
            return (list.jobs.map(\.state), store.wasOpened)
        }
        // Long enough for an answer read from memory to come back while the commit is held.
        try await Task.sleep(for: .milliseconds(300))
        store.open()

        let one = try await seen.value
        #expect(one.state == "cancelled")
        #expect(one.afterCommit, "the job was shown cancelled before the cancel was durable")
        let all = try await listed.value
        #expect(all.states == ["cancelled"])
        #expect(all.afterCommit, "the list showed the job cancelled before the cancel was durable")
        #expect(try await cancel.value.state == "cancelled")
        #expect(try await store.inner.jobs(ids: [id]).first?.state == .cancelled)
    }
}
