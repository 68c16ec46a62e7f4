import Testing

@testable import muster

/// `muster bench serve`'s open-loop load and latency timeline.
struct OpenLoopLoadTests {
    @Test func requestsAreEvenlySpacedWithinEachSegment() {
        let times = OpenLoopLoad.sendTimes([.init(rate: 10, seconds: 1), .init(rate: 2, seconds: 2)])
        #expect(times.count == 14)
        #expect(times.prefix(3) == [0, 0.1, 0.2])
        #expect(Array(times.suffix(4)) == [1, 1.5, 2, 2.5])
    }

    @Test func theLoadDoesNotWaitForAnswersAndCountsLatencyFromTheScheduledTime() async {
        // Every answer takes 300 ms, longer than the 50 ms between requests: a closed loop would send 2, this 8.
        let load = OpenLoopLoad(segments: [.init(rate: 20, seconds: 0.4)])
        let samples = await load.run { i in
            try? await Task.sleep(for: .milliseconds(300))
            return i == 3 ? 503 : 200
        }
        #expect(samples.map(\.at) == OpenLoopLoad.sendTimes(load.segments))
        #expect(samples.allSatisfy { $0.latency >= 0.3 })
        #expect(samples.filter { $0.status != 200 }.count == 1)
    }

    @Test func theTimelineSaysFromWhenTheP99StaysUnderALimit() {
        // Windows of 1 s: latencies 0.1 s, 2 s, 0.1 s, 0.5 s, 0.1 s, 0.1 s.
        let latencies = [0.1, 2, 0.1, 0.5, 0.1, 0.1]
        let samples = latencies.enumerated().flatMap { i, latency in
            (0..<10).map { j in OpenLoopLoad.Sample(at: Double(i) + Double(j) / 10, latency: latency, status: 200) }
        }
        let timeline = LatencyTimeline(samples, window: 1)
        #expect(timeline.windows.count == 6 && timeline.failed == 0 && timeline.requests == 60)
        #expect(timeline.windows.map { Int($0.p99.rounded()) } == [100, 2000, 100, 500, 100, 100])
        #expect(timeline.p99Under(250, from: 1, before: 6) == 4)
        #expect(timeline.p99Under(250, from: 4, before: 6) == 4)
        #expect(timeline.p99Under(250, from: 0, before: 4) == nil)
    }
}
