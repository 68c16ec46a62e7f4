/// Summary statistics of a sample: mean and the percentiles reports use.
public struct Distribution: Sendable, Hashable, Codable {
    public var count: Int
    public var mean: Double
    public var p50: Double
    public var p90: Double
    public var p99: Double
    public var max: Double

    public init(count: Int, mean: Double, p50: Double, p90: Double, p99: Double, max: Double) {
        self.count = count
        self.mean = mean
        self.p50 = p50
        self.p90 = p90
        self.p99 = p99
        self.max = max
    }

    /// Summarises `values` (nearest-rank percentiles). Empty input gives zeros.
    public init(_ values: [Double]) {
        guard !values.isEmpty else {
            self.init(count: 0, mean: 0, p50: 0, p90: 0, p99: 0, max: 0)
            return
        }
        let sorted = values.sorted()
        self.init(sorted: sorted)
    }

    /// Summarises values already sorted ascending.
    public init(sorted: [Double]) {
        guard !sorted.isEmpty else {
            self.init(count: 0, mean: 0, p50: 0, p90: 0, p99: 0, max: 0)
            return
        }
        func rank(_ q: Double) -> Double {
            let i = Int((q * Double(sorted.count)).rounded(.up)) - 1
            return sorted[Swift.max(0, Swift.min(sorted.count - 1, i))]
        }
        self.init(
            count: sorted.count, mean: sorted.reduce(0, +) / Double(sorted.count), p50: rank(0.5), p90: rank(0.9),
            p99: rank(0.99), max: sorted[sorted.count - 1])
    }
}
