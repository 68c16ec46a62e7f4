import Foundation

/// The controller's one clock, injected so tests can drive time.
public protocol ControllerClock: Sendable {
    /// Seconds since the Unix epoch, never going backwards.
    func now() -> Double
}

/// Wall time at start plus monotonic time since: it reads as Unix time (rows and answers show real dates) but a
/// wall-clock step (NTP, an operator) cannot make a timeout fire early or late.
public struct SystemClock: ControllerClock {
    private let wallAtStart: Double
    private let start: ContinuousClock.Instant

    public init() {
        wallAtStart = Date().timeIntervalSince1970
        start = ContinuousClock.now
    }

    public func now() -> Double {
        let elapsed = ContinuousClock.now - start
        let (seconds, attoseconds) = elapsed.components
        return wallAtStart + Double(seconds) + Double(attoseconds) * 1e-18
    }
}
