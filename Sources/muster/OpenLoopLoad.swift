import Foundation
import Synchronization

/// An open-loop load: requests sent at fixed rates on a schedule whatever the answers, as `wrk` and `hey` (which
/// wait for each answer before the next) cannot. Each request's latency counts from when it was *meant* to be
/// sent, so a slow server or a late sender shows in the figures instead of lowering the rate (no coordinated
/// omission).
struct OpenLoopLoad: Sendable {
    /// A stretch of the schedule: `rate` requests per second for `seconds`.
    struct Segment: Sendable {
        var rate: Double
        var seconds: Double
    }

    /// One request's outcome: when it was meant to go (seconds from the load's start), how long until its answer,
    /// and the HTTP status (0: no answer).
    struct Sample: Sendable, Codable {
        var at: Double
        var latency: Double
        var status: Int
    }

    var segments: [Segment]

    /// The seconds, from the start, at which request `i` of the whole schedule is meant to go; nil past its end.
    /// Within a segment requests are evenly spaced from its start.
    static func sendTimes(_ segments: [Segment]) -> [Double] {
        var times: [Double] = []
        var start = 0.0
        for segment in segments where segment.rate > 0 && segment.seconds > 0 {
            let count = Int((segment.rate * segment.seconds).rounded(.down))
            for j in 0..<count { times.append(start + Double(j) / segment.rate) }
            start += segment.seconds
        }
        return times
    }

    /// Runs the schedule from now, calling `send` for each request (concurrently, never waiting for an answer
    /// before the next is due) until the schedule ends or `stop` says so at a send time; returns every outcome
    /// once the last answer is in. `send` returns the status (0 when no answer came).
    func run(
        stop: @escaping @Sendable (Double) -> Bool = { _ in false },
        send: @escaping @Sendable (Int) async -> Int
    ) async -> [Sample] {
        let times = Self.sendTimes(segments)
        let clock = ContinuousClock()
        let start = clock.now
        let samples = Outcomes()
        samples.list.withLock { $0.reserveCapacity(times.count) }
        await withTaskGroup(of: Void.self) { group in
            for (i, t) in times.enumerated() {
                let due = start.advanced(by: .seconds(t))
                if due > clock.now { try? await Task.sleep(until: due, clock: clock) }
                if stop(t) { break }
                group.addTask {
                    let status = await send(i)
                    let latency = clock.now - due
                    let seconds =
                        Double(latency.components.seconds) + Double(latency.components.attoseconds) / 1e18
                    samples.list.withLock { $0.append(Sample(at: t, latency: seconds, status: status)) }
                }
            }
        }
        return samples.list.withLock { $0.sorted { $0.at < $1.at } }
    }

    /// The outcomes, shared by the requests in flight.
    final class Outcomes: Sendable {
        let list = Mutex<[Sample]>([])
    }
}
