import Testing

@testable import MusterServer

@Suite struct LatencyWindowTests {
    @Test func percentilesAreOverTheLastMinuteOnly() {
        var window = LatencyWindow(span: 60, capacity: 1000)
        #expect(window.summary(now: 0) == nil)
        // 100 slow requests long ago, then 100 of 1..100 ms.
        for i in 0..<100 { window.record(at: Double(i) / 100, seconds: 5) }
        for i in 1...100 { window.record(at: 100 + Double(i) / 100, seconds: Double(i) / 1000) }
        let summary = window.summary(now: 101)
        #expect(summary?.count == 100)
        #expect(summary.map { abs($0.p50 - 50) < 1e-9 } == true)
        #expect(summary.map { abs($0.p99 - 99) < 1e-9 } == true)
        #expect(window.summary(now: 200) == nil)
    }

    @Test func keepsAtMostItsCapacityNewestFirst() {
        var window = LatencyWindow(span: 1e9, capacity: 10)
        for i in 0..<1000 { window.record(at: Double(i), seconds: Double(i)) }
        let summary = window.summary(now: 1000)
        #expect(summary?.count == 10)
        // The newest ten: 990...999 s.
        #expect(summary?.p50 == 994_000)
        #expect(summary?.p99 == 999_000)
    }
}
