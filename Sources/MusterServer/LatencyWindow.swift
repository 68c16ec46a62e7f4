/// The latencies of a service's requests over the last `span` seconds, for the dashboard and
/// `GET /v1/services`: at most `capacity` of them, the oldest dropped first, so a busy service costs a fixed
/// few kilobytes.
struct LatencyWindow: Sendable {
    /// Seconds of history kept.
    let span: Double
    /// Most requests kept.
    let capacity: Int
    /// (time answered, seconds taken), oldest first from `start`.
    private var entries: [(time: Double, seconds: Double)] = []
    private var start = 0

    init(span: Double = 60, capacity: Int = 4096) {
        self.span = span
        self.capacity = capacity
    }

    /// A request answered at `time` (seconds on any monotonic clock) that took `seconds`.
    /// - Complexity: amortised O(1).
    mutating func record(at time: Double, seconds: Double) {
        entries.append((time, seconds))
        if entries.count - start > capacity { start += 1 }
        compact()
    }

    /// The requests answered within `span` of `now`, and their median and 99th percentile latency in
    /// milliseconds (nearest rank); nil when there were none.
    /// - Complexity: O(n log n) in the requests kept.
    func summary(now: Double) -> (count: Int, p50: Double, p99: Double)? {
        let recent = entries[start...].filter { $0.time >= now - span }.map(\.seconds).sorted()
        guard !recent.isEmpty else { return nil }
        func rank(_ q: Double) -> Double {
            let index = max(0, Int((q * Double(recent.count)).rounded(.up)) - 1)
            return recent[min(index, recent.count - 1)] * 1000
        }
        return (recent.count, rank(0.5), rank(0.99))
    }

    /// Drops the dead prefix once it is half the array.
    private mutating func compact() {
        if start > 0, start * 2 >= entries.count {
            entries.removeFirst(start)
            start = 0
        }
    }
}
