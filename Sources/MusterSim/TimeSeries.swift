import MusterCore

/// A quantity that is constant between events, integrated into fixed-width time buckets, so charts over a
/// multi-month replay stay a few hundred points whatever the number of events.
struct TimeSeries {
    let start: Seconds
    let width: Seconds
    private(set) var sums: [Double] = []
    private var lastTime: Seconds
    private var value: Double = 0

    init(start: Seconds, width: Seconds) {
        self.start = start
        self.width = max(1, width)
        self.lastTime = start
    }

    /// Advances to `time`, crediting the current value over the elapsed span, then sets the new value.
    /// - Complexity: O(buckets spanned).
    mutating func record(_ newValue: Double, at time: Seconds) {
        advance(to: time)
        value = newValue
    }

    mutating func advance(to time: Seconds) {
        guard time > lastTime else { return }
        var t = lastTime
        while t < time {
            let bucket = Int((t - start) / width)
            while sums.count <= bucket { sums.append(0) }
            let bucketEnd = start + Seconds(bucket + 1) * width
            let until = min(time, bucketEnd)
            sums[bucket] += value * Double(until - t)
            t = until
        }
        lastTime = time
    }

    /// Time-averaged value per bucket (the last bucket averaged over its elapsed part).
    func averages(until end: Seconds) -> [Double] {
        sums.enumerated().map { i, sum in
            let bucketStart = start + Seconds(i) * width
            let span = min(width, max(1, end - bucketStart))
            return sum / Double(span)
        }
    }

    /// The time average over `[start, end)`.
    func mean(until end: Seconds) -> Double {
        guard end > start else { return 0 }
        return sums.reduce(0, +) / Double(end - start)
    }
}
