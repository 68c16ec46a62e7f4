/// A job: what was asked (`spec`), where it is in its life (`state`) and what happened so far.
public struct Job: Sendable, Hashable, Codable, Identifiable {
    public var id: JobID
    public var spec: JobSpec
    public private(set) var state: JobState
    /// When it last started running.
    public var startTime: Seconds?
    /// When it reached a terminal state.
    public var endTime: Seconds?
    /// Where it runs (while running).
    public var placement: Placement?
    /// How often it was put back in the queue after starting.
    public var restarts: Int

    public init(id: JobID, spec: JobSpec, state: JobState = .pending) {
        self.id = id
        self.spec = spec
        self.state = state
        self.restarts = 0
    }

    /// Applies `event` at `now`; an illegal transition traps.
    public mutating func apply(_ event: JobEvent, at now: Seconds) {
        state = state.applying(event)
        switch event {
        case .start: startTime = now
        case .requeue:
            restarts += 1
            placement = nil
        default: break
        }
        if state.isTerminal || state == .preempted {
            endTime = now
            placement = nil
        }
    }
}
