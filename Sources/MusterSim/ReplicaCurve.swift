import MusterCore

/// How many replicas of a trace run at once over its span, if each is placed at its creation: the peak, the
/// time-weighted mean and percentiles (the share of the span during which at most that many run). A dedicated
/// inference pool is sized for `peak`; headroom may be sized for a percentile.
public struct ReplicaCurve: Sendable, Hashable {
    public var peak: Int
    public var mean: Double
    public var p50: Int
    public var p95: Int

    /// The curve of `trace` over [0, horizon). A replica deleted at the moment another is created is gone
    /// first, as the simulator ends jobs before it submits new ones.
    /// - Complexity: O(replicas log replicas).
    public init(_ trace: DLRMTrace) {
        var events: [(time: Seconds, delta: Int)] = []
        events.reserveCapacity(2 * trace.replicas.count)
        for r in trace.replicas where r.deleted > r.created {
            events.append((r.created, 1))
            events.append((r.deleted, -1))
        }
        events.sort { $0.time != $1.time ? $0.time < $1.time : $0.delta < $1.delta }
        var running = 0
        var peak = 0
        var last: Seconds = 0
        var secondsAt: [Int: Seconds] = [:]
        for event in events {
            let until = min(event.time, trace.horizon)
            if until > last {
                secondsAt[running, default: 0] += until - last
                last = until
            }
            running += event.delta
            peak = max(peak, running)
        }
        if trace.horizon > last { secondsAt[running, default: 0] += trace.horizon - last }
        let span = Double(max(1, trace.horizon))
        let levels = secondsAt.keys.sorted()
        func percentile(_ q: Double) -> Int {
            var covered = 0.0
            for level in levels {
                covered += Double(secondsAt[level]!)
                if covered >= q * span { return level }
            }
            return levels.last ?? 0
        }
        self.peak = peak
        mean = levels.reduce(0.0) { $0 + Double($1) * Double(secondsAt[$1]!) } / span
        p50 = percentile(0.5)
        p95 = percentile(0.95)
    }
}
