import Synchronization

/// Until when this controller may act as the leader on its own clock: the start of its last successful take or
/// renewal of the lease plus the lease's time to live, less a margin. The database counts the same time to live
/// from a later instant (when the statement ran), so a standby can take over only after this controller has
/// already stopped answering: a leader that stalled (SIGSTOP, a long pause) and wakes up answers nothing from
/// its old state, not even reads, before it learns it was replaced.
public final class LeaseValidity: Sendable {
    private let until = Mutex<ContinuousClock.Instant?>(nil)

    public init() {}

    /// A take or renewal that started at `start` succeeded.
    public func extend(from start: ContinuousClock.Instant, ttl: Double) {
        let margin = min(ttl / 10, 1)
        let end = start + .milliseconds(Int64(max(0, ttl - margin) * 1_000))
        until.withLock { until in
            if until.map({ $0 < end }) ?? true { until = end }
        }
    }

    /// The lease is gone (taken by another controller, or given up).
    public func drop() { until.withLock { $0 = nil } }

    /// Whether the lease is still held, as far as this controller's clock can tell.
    public var held: Bool { until.withLock { until in until.map { ContinuousClock.now < $0 } ?? false } }
}
