import Foundation
import Logging
import MusterAPI
import MusterClient

/// A relay: stands between the agents of one leaf block (or rack) and the controller, as Slurm's message fan-out
/// and Flux's overlay tree do. Agents speak their usual protocol to it (`RelayRoutes` serves it over HTTP; the
/// control-plane bench calls these methods in process). It forwards registrations and log uploads one by one,
/// sends its nodes' heartbeats (within `heartbeatWindow`) and reports (whatever gathered while the last batch was
/// in flight) in batches, and holds one long-poll to the controller for all its nodes, keeping a copy of each
/// node's mailbox numbered as the controller numbers it, so an agent's poll is answered exactly as the
/// controller would. The controller thus holds a few connections per relay instead of two per node.
public actor Relay {
    public let name: String
    let client: MusterClient
    let joinToken: String
    let logger: Logger

    /// What the relay knows of one node behind it.
    struct NodeState: Sendable {
        /// The agent token the controller gave the node at its registration.
        var token: String
        /// The agent's last poll: it has everything up to `after` of controller `instance`.
        var after: Int64 = 0
        var instance: String?
        /// A copy of the node's mailbox: the controller's items beyond `after`, with their numbers.
        var mirror = Mailbox()
        /// The agent's waiting poll.
        var waiter: (id: Int, continuation: CheckedContinuation<Result<AssignmentBatch, ClientError>, Never>)?
        /// The controller does not know the node (its state was lost): the agent must register again.
        var unknown = false
    }

    var nodes: [String: NodeState] = [:]
    /// The controller instance that numbered the mirrored items.
    var controllerInstance: String?
    var nextID = 0
    /// The heartbeat interval the controller asks for.
    var interval = 3.0
    var beats: [(beat: Heartbeat, reply: CheckedContinuation<Result<HeartbeatResponse, ClientError>, Never>)] = []
    var beatFlushScheduled = false
    var reports: [String: [TaskReport]] = [:]
    var reportReplies: [(node: String, reply: CheckedContinuation<Result<Void, ClientError>, Never>)] = []
    var reportsInFlight = false
    var pollTask: Task<Void, Never>?
    /// The current long-poll loop: a newer one (started when a node joins) ends the older.
    var pollGeneration = 0
    var restartScheduled = false
    /// Registrations go to the controller one at a time (a rack powering on must not take every connection
    /// from the heartbeats); the others wait here.
    var registering = false
    var registrationQueue: [CheckedContinuation<Void, Never>] = []
    /// What the relay sent, for `muster bench control-plane`.
    public private(set) var stats = RelayStats()

    /// A relay named `name` (its leaf, say) in front of the controller at `controllerURL`, authenticated by the
    /// cluster's join token (a relay may speak for any node, as a registering agent may).
    public init(name: String, controllerURL: String, joinToken: String, logger: Logger, connections: Int = 4) {
        self.name = name
        self.joinToken = joinToken
        self.logger = logger
        client = MusterClient(baseURL: controllerURL, token: joinToken, connections: connections)
    }

    /// The longest a heartbeat waits to go with others: a quarter of the interval, 50 ms to 15 s.
    var heartbeatWindow: Double { min(15, max(0.05, interval / 4)) }

    public func shutdown() async {
        pollGeneration += 1
        pollTask?.cancel()
        pollTask = nil
        for name in nodes.keys { answerPoll(name, .failure(Self.unavailable("the relay is shutting down"))) }
        await client.shutdown()
    }

    /// Starts timing the slowest heartbeat batch afresh (the bench times the idle and the busy phases apart).
    public func resetSlowestHeartbeatBatch() { stats.slowestHeartbeatBatch = 0 }

    // MARK: The agents' protocol

    /// An agent registers through the relay (with the join token): forwarded at once.
    public func register(_ request: RegisterAgentRequest, bearer: String?) async throws(ClientError)
        -> RegisterAgentResponse
    {
        guard let bearer, Self.same(bearer, joinToken) else {
            throw .server(
                status: 401, code: "unauthorized",
                message: "registering a node needs the cluster's join token (muster agent --join-token-file)")
        }
        if registering {
            await withCheckedContinuation { registrationQueue.append($0) }
        } else {
            registering = true
        }
        defer {
            if registrationQueue.isEmpty { registering = false } else { registrationQueue.removeFirst().resume() }
        }
        let answer = try await client.register(request)
        var state = nodes[request.name] ?? NodeState(token: answer.agentToken)
        state.token = answer.agentToken
        state.unknown = false
        let fresh = nodes[request.name] == nil
        nodes[request.name] = state
        interval = answer.heartbeatInterval
        // The controller must learn that this relay polls for the node now.
        if fresh || pollTask == nil { schedulePollRestart() }
        return answer
    }

    /// A heartbeat: sent with the others that arrive within `heartbeatWindow`; answered with the controller's
    /// answer to it.
    public func heartbeat(_ beat: Heartbeat, bearer: String?) async throws(ClientError) -> HeartbeatResponse {
        try authorize(beat.name, bearer)
        let result = await withCheckedContinuation { reply in
            beats.append((beat, reply))
            if beats.count >= RelayLimits.maxNodes {
                Task { await self.flushBeats() }
            } else if !beatFlushScheduled {
                beatFlushScheduled = true
                let window = heartbeatWindow
                Task {
                    try? await Task.sleep(for: .seconds(window))
                    await self.flushBeats()
                }
            }
        }
        return try result.get()
    }

    /// Started/exited reports: sent at once if no report batch is in flight, else with the next one.
    public func report(node: String, _ batch: [TaskReport], bearer: String?) async throws(ClientError) {
        try authorize(node, bearer)
        let result = await withCheckedContinuation { reply in
            reports[node, default: []] += batch
            reportReplies.append((node, reply))
            if !reportsInFlight {
                reportsInFlight = true
                Task { await self.sendReports() }
            }
        }
        try result.get()
    }

    /// The agent's long-poll, answered from the relay's copy of its mailbox: at once if it holds items beyond
    /// `after`, else when the controller sends some, or after `waitMilliseconds` with none.
    public func assignments(
        node: String, after: Int64, instance: String?, waitMilliseconds: Int, bearer: String?
    ) async throws(ClientError) -> AssignmentBatch {
        try authorize(node, bearer)
        guard !nodes[node]!.unknown else { throw Self.notRegistered(node) }
        nodes[node]!.after = after
        nodes[node]!.instance = instance
        let current = controllerInstance ?? ""
        nodes[node]!.mirror.acknowledge(upTo: instance == current ? after : 0)
        answerPoll(node, .success(nodes[node]!.mirror.batch(instance: current)))
        if !nodes[node]!.mirror.outbox.isEmpty || waitMilliseconds <= 0 {
            return nodes[node]!.mirror.batch(instance: current)
        }
        if pollTask == nil { schedulePollRestart() }
        nextID += 1
        let id = nextID
        let wait = Double(min(max(waitMilliseconds, 0), 60_000)) / 1000
        let timer = Task {
            try? await Task.sleep(for: .seconds(wait))
            guard !Task.isCancelled else { return }
            await self.expirePoll(node, id: id)
        }
        let result = await withCheckedContinuation { nodes[node]!.waiter = (id, $0) }
        timer.cancel()
        return try result.get()
    }

    /// A piece of a rank's output: forwarded at once with the node's own token.
    public func uploadLog(node: String, _ upload: LogUpload, bearer: String?) async throws(ClientError) {
        try authorize(node, bearer)
        try await client.uploadLog(node: node, upload, token: nodes[node]!.token)
    }

    // MARK: Batching

    private func flushBeats() async {
        beatFlushScheduled = false
        guard !beats.isEmpty else { return }
        let taken = Array(beats.prefix(RelayLimits.maxNodes))
        beats.removeFirst(taken.count)
        stats.heartbeatBatches += 1
        stats.heartbeats += taken.count
        let sent = ContinuousClock.now
        do throws(ClientError) {
            let answer = try await client.relayHeartbeats(relay: name, taken.map(\.beat))
            let took = ContinuousClock.now - sent
            stats.slowestHeartbeatBatch = max(
                stats.slowestHeartbeatBatch,
                Double(took.components.seconds) + Double(took.components.attoseconds) / 1e18)
            guard answer.answers.count == taken.count else {
                throw .badResponse("\(answer.answers.count) answers to \(taken.count) heartbeats")
            }
            for (entry, response) in zip(taken, answer.answers) {
                if let next = response.interval, next.isFinite, next > 0 { interval = min(next, 3_600) }
                if response.reregister { nodes[entry.beat.name]?.unknown = true }
                if let error = response.error {
                    entry.reply.resume(returning: .failure(.server(status: 400, code: "invalid", message: error)))
                } else {
                    entry.reply.resume(returning: .success(response))
                }
            }
        } catch {
            for entry in taken { entry.reply.resume(returning: .failure(error)) }
        }
        if !beats.isEmpty && !beatFlushScheduled {
            beatFlushScheduled = true
            Task { await self.flushBeats() }
        }
    }

    private func sendReports() async {
        while !reportReplies.isEmpty {
            let batch = reports.sorted { $0.key < $1.key }.map { NodeReports(node: $0.key, reports: $0.value) }
            let replies = reportReplies
            reports = [:]
            reportReplies = []
            stats.reportBatches += 1
            stats.reports += batch.count
            do throws(ClientError) {
                var unknown: Set<String> = []
                for start in stride(from: 0, to: batch.count, by: RelayLimits.maxNodes) {
                    let part = Array(batch[start..<min(batch.count, start + RelayLimits.maxNodes)])
                    unknown.formUnion(try await client.relayReports(relay: name, part).unknown)
                }
                for entry in replies {
                    if unknown.contains(entry.node) {
                        nodes[entry.node]?.unknown = true
                        entry.reply.resume(returning: .failure(Self.notRegistered(entry.node)))
                    } else {
                        entry.reply.resume(returning: .success(()))
                    }
                }
            } catch {
                for entry in replies { entry.reply.resume(returning: .failure(error)) }
            }
        }
        reportsInFlight = false
    }

    // MARK: The long-poll to the controller

    /// Starts a new long-poll for every node soon (nodes registering together share one), so the controller
    /// learns of a node that just joined. The controller answers the older poll when the newer arrives, and the
    /// older loop then ends: no request is cut off.
    private func schedulePollRestart() {
        guard !restartScheduled else { return }
        restartScheduled = true
        Task {
            try? await Task.sleep(for: .milliseconds(20))
            self.restartPoll()
        }
    }

    private func restartPoll() {
        restartScheduled = false
        pollGeneration += 1
        let generation = pollGeneration
        pollTask = Task { await self.pollLoop(generation) }
    }

    private func pollLoop(_ generation: Int) async {
        var delay = 0.05
        while !Task.isCancelled && generation == pollGeneration {
            let current = controllerInstance
            let entries = nodes.filter { !$0.value.unknown }.sorted { $0.key < $1.key }.map { name, state in
                RelayPollNode(
                    node: name, after: state.after, instance: state.instance, known: state.mirror.seq,
                    knownInstance: current)
            }
            guard !entries.isEmpty else {
                if generation == pollGeneration { pollTask = nil }
                return
            }
            do {
                var answers: [RelayPollAnswer] = []
                for start in stride(from: 0, to: entries.count, by: RelayLimits.maxNodes) {
                    let part = Array(entries[start..<min(entries.count, start + RelayLimits.maxNodes)])
                    answers.append(
                        try await client.relayPoll(relay: name, RelayPoll(nodes: part, waitMs: 25_000)))
                }
                guard !Task.isCancelled else { return }
                stats.polls += answers.count
                for answer in answers { take(answer) }
                delay = 0.05
            } catch {
                if Task.isCancelled { return }
                logger.warning("relay poll failed", metadata: ["relay": "\(name)", "error": "\(error)"])
                try? await Task.sleep(for: .seconds(delay))
                delay = min(2, delay * 2)
            }
        }
    }

    /// Copies the controller's new items into the nodes' mailboxes and answers the agents waiting on them.
    private func take(_ answer: RelayPollAnswer) {
        if answer.controllerInstance != controllerInstance {
            // A restarted controller numbers from scratch.
            controllerInstance = answer.controllerInstance
            for name in nodes.keys { nodes[name]!.mirror = Mailbox() }
        }
        for name in answer.unknown {
            nodes[name]?.unknown = true
            answerPoll(name, .failure(Self.notRegistered(name)))
        }
        for entry in answer.nodes where nodes[entry.node] != nil {
            for item in entry.items { nodes[entry.node]!.mirror.mirror(item) }
            if !nodes[entry.node]!.mirror.outbox.isEmpty {
                answerPoll(entry.node, .success(nodes[entry.node]!.mirror.batch(instance: answer.controllerInstance)))
            }
        }
    }

    private func answerPoll(_ node: String, _ result: Result<AssignmentBatch, ClientError>) {
        guard let waiter = nodes[node]?.waiter else { return }
        nodes[node]!.waiter = nil
        waiter.continuation.resume(returning: result)
    }

    private func expirePoll(_ node: String, id: Int) {
        guard let waiter = nodes[node]?.waiter, waiter.id == id else { return }
        answerPoll(node, .success(nodes[node]!.mirror.batch(instance: controllerInstance ?? "")))
    }

    // MARK: Checks

    private func authorize(_ node: String, _ bearer: String?) throws(ClientError) {
        guard let state = nodes[node], let bearer, Self.same(bearer, state.token) else {
            throw .server(
                status: 401, code: "unauthorized",
                message: "not the current agent token of node \(node) at relay \(name); register again")
        }
    }

    static func notRegistered(_ node: String) -> ClientError {
        .server(status: 404, code: "not_found", message: "node \(node) is not registered; register first")
    }

    static func unavailable(_ message: String) -> ClientError {
        .server(status: 503, code: "unavailable", message: message)
    }

    /// Compares tokens in time independent of where they differ.
    static func same(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in x.indices { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}
