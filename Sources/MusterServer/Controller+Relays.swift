import MusterAPI
import MusterCore

/// The relay tier: one relay per leaf block speaks for its nodes, so the controller holds a few connections per
/// relay instead of two per node, and takes their heartbeats and reports in batches.
extension Controller {
    /// Checks a relay's name and how many nodes its request carries.
    static func checkRelay(_ relay: String, nodes: Int) throws(ControllerError) {
        guard !relay.isEmpty, relay.utf8.count <= RelayLimits.maxNameLength,
            relay.utf8.allSatisfy({ $0 < 0x80 && ($0 == 0x2E || $0 == 0x5F || $0 == 0x2D || isAlnum($0)) })
        else {
            throw .invalid(
                "relay", "a relay name is 1 to \(RelayLimits.maxNameLength) letters, digits, '.', '_' or '-'")
        }
        guard nodes <= RelayLimits.maxNodes else {
            throw .invalid("nodes", "a relay request carries at most \(RelayLimits.maxNodes) nodes, got \(nodes)")
        }
    }

    private static func isAlnum(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c | 0x20 >= 0x61 && c | 0x20 <= 0x7A)
    }

    /// Heartbeats of the nodes behind `relay`, each applied as the node's own heartbeat; one answer per beat.
    /// A beat the lifecycle refuses is answered with its error, not failing the others.
    public func relayHeartbeats(_ relay: String, _ batch: RelayHeartbeats) async throws(ControllerError)
        -> RelayHeartbeatsAnswer
    {
        try Self.checkRelay(relay, nodes: batch.beats.count)
        try available()
        var answers: [HeartbeatResponse] = []
        answers.reserveCapacity(batch.beats.count)
        for beat in batch.beats {
            do {
                answers.append(try await heartbeat(beat.name, beat))
            } catch {
                if error.statusCode == 503 { throw error }
                var answer = HeartbeatResponse(kill: [])
                answer.error = error.body.error.message
                answers.append(answer)
            }
        }
        return RelayHeartbeatsAnswer(answers: answers)
    }

    /// Reports of the nodes behind `relay`, applied in one go; answers the nodes the controller does not know.
    public func relayReports(_ relay: String, _ batch: RelayReports) async throws(ControllerError)
        -> RelayUnknownNodes
    {
        try Self.checkRelay(relay, nodes: batch.nodes.count)
        try available()
        var unknown: [String] = []
        var directives: [Directive] = []
        let now = clock.now()
        for entry in batch.nodes {
            guard lifecycle.nodes[entry.node] != nil else {
                unknown.append(entry.node)
                continue
            }
            directives += reportDirectives(entry.node, entry.reports, now: now)
        }
        try await apply(directives)
        return RelayUnknownNodes(unknown: unknown)
    }

    /// The relay's long-poll for all its nodes: acknowledges what each agent got, then answers at once with the
    /// batches of the nodes that have items the relay does not hold yet, or waits up to `wait_ms` for one.
    /// A newer poll of the same relay answers the older one (empty).
    public func relayPoll(_ relay: String, _ poll: RelayPoll) async throws(ControllerError) -> RelayPollAnswer {
        try Self.checkRelay(relay, nodes: poll.nodes.count)
        guard (0...60_000).contains(poll.waitMs) else {
            throw .invalid("wait_ms", "must be 0 to 60000, got \(poll.waitMs)")
        }
        var unknown: [String] = []
        var known: [String: Int64] = [:]
        for entry in poll.nodes {
            guard lifecycle.nodes[entry.node] != nil else {
                unknown.append(entry.node)
                continue
            }
            var box = mailboxes[entry.node] ?? Mailbox()
            box.acknowledge(upTo: entry.instance == instance ? entry.after : 0)
            if let old = box.waiter {
                // The agent moved behind the relay: its direct long-poll is answered and not taken again.
                box.waiter = nil
                old.continuation.resume(returning: box.batch(instance: instance))
            }
            box.relay = relay
            mailboxes[entry.node] = box
            known[entry.node] = entry.knownInstance == instance ? entry.known : -1
        }
        if relayWaiters[relay] != nil { answerRelay(relay) }
        let ready = readyItems(known)
        if !ready.isEmpty || !unknown.isEmpty || poll.waitMs == 0 || shuttingDown {
            return RelayPollAnswer(controllerInstance: instance, nodes: ready, unknown: unknown)
        }
        nextWaiterID += 1
        let id = nextWaiterID
        let wait = Double(poll.waitMs) / 1000
        let timer = Task { [weak self] in
            try? await Task.sleep(for: .seconds(wait))
            guard !Task.isCancelled else { return }
            await self?.expireRelayWaiter(relay, id: id)
        }
        let answer = await withCheckedContinuation {
            relayWaiters[relay] = RelayWaiter(id: id, known: known, continuation: $0)
        }
        timer.cancel()
        return answer
    }

    /// The items beyond what the relay holds, of each node in `known` that has any.
    private func readyItems(_ known: [String: Int64]) -> [NodeItems] {
        var ready: [NodeItems] = []
        for (node, held) in known {
            guard let box = mailboxes[node], let last = box.outbox.last, last.seq > held else { continue }
            ready.append(NodeItems(node: node, items: box.items(after: held)))
        }
        return ready.sorted { $0.node < $1.node }
    }

    /// Something was queued for `node`, behind `relay`: the relay's waiting poll is answered if that is new to it.
    func deliverToRelay(_ relay: String, node: String) {
        guard let held = relayWaiters[relay]?.known[node], let last = mailboxes[node]?.outbox.last, last.seq > held
        else { return }
        answerRelay(relay)
    }

    /// Answers `relay`'s waiting poll with what is ready (possibly nothing).
    func answerRelay(_ relay: String) {
        guard let waiter = relayWaiters.removeValue(forKey: relay) else { return }
        waiter.continuation.resume(
            returning: RelayPollAnswer(controllerInstance: instance, nodes: readyItems(waiter.known), unknown: []))
    }

    private func expireRelayWaiter(_ relay: String, id: Int) {
        guard relayWaiters[relay]?.id == id else { return }
        answerRelay(relay)
    }
}
