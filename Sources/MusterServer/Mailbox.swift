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
