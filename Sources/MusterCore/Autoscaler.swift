/// A service's autoscaler: in-flight request counts go in with their time, a replica count comes out.
///
/// Steady: desired = ⌈mean in-flight over `window` / target⌉, clamped to [min, max]; more replicas are added at
/// once. Panic: when the mean over `panicWindow` is at least `panicThreshold` × what the current replicas are
/// sized for, the count goes straight to what that short window asks. Fewer: one replica at a time, once fewer have
/// been wanted for `scaleDownDelay` (and as long again before the next). A load that stays constant keeps the count
/// constant. With `min` 0 the service scales to zero after its load has been gone that long, and any request held
/// while it has no replica asks for one.
public struct Autoscaler: Sendable {
    public let policy: AutoscalePolicy
    /// Load samples (time, in-flight) within the window, oldest first.
    private var samples: [(time: Double, inflight: Double)] = []
    private var first = 0
    /// Since when fewer replicas have been wanted; when the last was removed.
    private var fewerSince: Double?
    private var lastRemoval = -Double.infinity

    public init(policy: AutoscalePolicy) { self.policy = policy }

    /// Why the count is what it is.
    public enum Reason: String, Sendable, Codable {
        case steady, up, panic, down, fixed
    }

    /// Records the in-flight requests (forwarded and queued) at `time`; non-finite or negative values count as 0.
    public mutating func record(inflight: Double, at time: Double) {
        guard time.isFinite else { return }
        samples.append((time, inflight.isFinite ? max(0, inflight) : 0))
        // Forget samples older than the window, in amortised O(1).
        while first < samples.count && samples[first].time <= time - policy.window { first += 1 }
        if first > 64 && first * 2 > samples.count {
            samples.removeFirst(first)
            first = 0
        }
    }

    /// The mean in-flight over the last `seconds` before `now`, or nil without samples there.
    public func meanInflight(over seconds: Double, now: Double) -> Double? {
        var sum = 0.0
        var n = 0
        var i = samples.count - 1
        while i >= first && samples[i].time > now - seconds {
            if samples[i].time <= now {
                sum += samples[i].inflight
                n += 1
            }
            i -= 1
        }
        return n > 0 ? sum / Double(n) : nil
    }

    /// The replica count for now, given `current` replicas, and why.
    public mutating func decide(replicas current: Int, now: Double) -> (replicas: Int, reason: Reason) {
        let p = policy
        if p.isFixed { return (p.minReplicas, .fixed) }
        func wanted(_ load: Double) -> Int {
            let raw = (load / p.targetInflight).rounded(.up)
            return min(p.maxReplicas, max(p.minReplicas, raw >= Double(p.maxReplicas) ? p.maxReplicas : Int(raw)))
        }
        let steady = wanted(meanInflight(over: p.window, now: now) ?? 0)
        if let short = meanInflight(over: p.panicWindow, now: now),
            short > 0, short >= p.panicThreshold * Double(max(current, 1)) * p.targetInflight
        {
            fewerSince = nil
            let target = max(steady, wanted(short))
            if target > current { return (target, .panic) }
        }
        if current < p.minReplicas { return (p.minReplicas, .up) }
        if current > p.maxReplicas { return (p.maxReplicas, .down) }
        if steady > current {
            fewerSince = nil
            return (steady, .up)
        }
        guard steady < current else {
            fewerSince = nil
            return (current, .steady)
        }
        let since = fewerSince ?? now
        fewerSince = since
        guard now - since >= p.scaleDownDelay, now - lastRemoval >= p.scaleDownDelay else { return (current, .steady) }
        lastRemoval = now
        fewerSince = now
        return (current - 1, .down)
    }
}
