import Histogram

/// Latency percentiles over time: an open-loop load's samples cut into fixed windows by send time, each window's
/// latencies in an HdrHistogram (microseconds, 3 significant digits).
struct LatencyTimeline: Sendable, Codable {
    /// One window of the timeline.
    struct Window: Sendable, Codable {
        /// Seconds from the load's start at which the window begins.
        var start: Double
        var requests: Int
        /// Requests that got no 200.
        var failed: Int
        /// Latency percentiles in milliseconds (of every request of the window, failed ones included).
        var p50: Double
        var p99: Double
        var max: Double
    }

    var windows: [Window]
    /// Percentiles in milliseconds over the whole load.
    var p50: Double
    var p99: Double
    var p999: Double
    var max: Double
    var requests: Int
    var failed: Int

    /// The timeline of `samples` in windows of `seconds`.
    init(_ samples: [OpenLoopLoad.Sample], window seconds: Double) {
        func histogram() -> Histogram<UInt64> {
            Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
        }
        func micros(_ s: Double) -> UInt64 { UInt64(min(600_000_000, Swift.max(1, s * 1e6))) }
        func millis(_ v: UInt64) -> Double { Double(v) / 1000 }
        var all = histogram()
        var windows: [Window] = []
        var current = histogram()
        var currentIndex = -1
        var requests = 0
        var failed = 0
        func close() {
            guard currentIndex >= 0 else { return }
            windows.append(
                Window(
                    start: Double(currentIndex) * seconds, requests: requests, failed: failed,
                    p50: millis(current.valueAtPercentile(50)), p99: millis(current.valueAtPercentile(99)),
                    max: millis(current.max)))
        }
        for sample in samples {
            let index = Int(sample.at / seconds)
            if index != currentIndex {
                close()
                current = histogram()
                currentIndex = index
                requests = 0
                failed = 0
            }
            current.record(micros(sample.latency))
            all.record(micros(sample.latency))
            requests += 1
            if sample.status != 200 { failed += 1 }
        }
        close()
        self.windows = windows
        p50 = millis(all.valueAtPercentile(50))
        p99 = millis(all.valueAtPercentile(99))
        p999 = millis(all.valueAtPercentile(99.9))
        max = millis(all.max)
        self.requests = samples.count
        self.failed = samples.filter { $0.status != 200 }.count
    }

    /// The first window start from which every window that begins before `end` has its p99 under `limitMs`; nil
    /// when the last such window is over it.
    func p99Under(_ limitMs: Double, from start: Double, before end: Double) -> Double? {
        let span = windows.filter { $0.start >= start && $0.start < end }
        guard let last = span.lastIndex(where: { $0.p99 >= limitMs }) else { return span.first?.start }
        return last + 1 < span.count ? span[last + 1].start : nil
    }
}
