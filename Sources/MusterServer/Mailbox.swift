import MusterAPI

/// A node's mailbox of assignments and kills, numbered so that an agent acknowledges what it got by passing the
/// last number back (`after`), and the long-poll waiting on it.
struct Mailbox: Sendable {
    /// Something for an agent to do.
    enum Item: Sendable {
        case assignment(Assignment)
        case kill(TaskKill)
    }

    var seq: Int64 = 0
    var outbox: [(seq: Int64, item: Item)] = []
    /// The long-poll waiting for this node's next items.
    var waiter: (id: Int, continuation: CheckedContinuation<AssignmentBatch, Never>)?
    /// The relay that polls for this node (its agent talks to a relay), if any.
    var relay: String?

    /// Drops the items the agent has acknowledged.
    mutating func acknowledge(upTo after: Int64) {
        if let last = outbox.last, last.seq <= after {
            outbox.removeAll(keepingCapacity: true)
        } else if let first = outbox.first, first.seq <= after {
            outbox.removeAll { $0.seq <= after }
        }
    }

    mutating func append(_ item: Item) {
        seq += 1
        outbox.append((seq, item))
    }

    /// A relay's copy: appends the controller's item numbered `number` (items come in order; a repeat is dropped).
    mutating func mirror(_ item: RelayItem) {
        guard item.seq > seq else { return }
        seq = item.seq
        if let assignment = item.assignment { outbox.append((item.seq, .assignment(assignment))) }
        if let kill = item.kill { outbox.append((item.seq, .kill(kill))) }
    }

    /// The items numbered beyond `after`, for a relay.
    func items(after: Int64) -> [RelayItem] {
        outbox.filter { $0.seq > after }.map { entry in
            switch entry.item {
            case .assignment(let a): RelayItem(seq: entry.seq, assignment: a)
            case .kill(let k): RelayItem(seq: entry.seq, kill: k)
            }
        }
    }

    func batch(instance: String) -> AssignmentBatch {
        var assignments: [Assignment] = []
        var kills: [TaskKill] = []
        for (_, item) in outbox {
            switch item {
            case .assignment(let a): assignments.append(a)
            case .kill(let k): kills.append(k)
            }
        }
        return AssignmentBatch(
            controllerInstance: instance, seq: outbox.last?.seq ?? seq, assignments: assignments, kill: kills)
    }
}
