/// Where a job is in its life. Transitions live here and only here.
///
/// ```
/// pending ──start──▶ running ──finish──▶ completed | failed
///    │                  │ ──preempt──▶ preempted   (preempted with --no-requeue)
///    └──cancel──▶ cancelled ◀──cancel──┘
/// running ──requeue──▶ pending   (preempted, or a node failure with a requeueable job)
/// ```
public enum JobState: String, Sendable, Hashable, Codable, CaseIterable {
    case pending, running, completed, failed, cancelled, preempted

    /// True once the job will never run again.
    public var isTerminal: Bool {
        switch self {
        case .completed, .failed, .cancelled, .preempted: true
        case .pending, .running: false
        }
    }

    /// The state after `event`, or nil if the event cannot happen in this state.
    public func next(on event: JobEvent) -> JobState? {
        switch (self, event) {
        case (.pending, .start): .running
        case (.pending, .cancel): .cancelled
        case (.running, .succeed): .completed
        case (.running, .fail): .failed
        case (.running, .cancel): .cancelled
        case (.running, .preempt): .preempted
        case (.running, .requeue): .pending
        default: nil
        }
    }

    /// The state after `event`. An illegal transition is a bug in the caller.
    public func applying(_ event: JobEvent) -> JobState {
        guard let next = next(on: event) else {
            preconditionFailure("illegal job transition: \(self) on \(event)")
        }
        return next
    }
}

/// Something that happens to a job.
public enum JobEvent: String, Sendable, Hashable, Codable {
    case start, succeed, fail, cancel, preempt, requeue
}
