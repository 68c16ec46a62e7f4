import MusterCore

extension DLRMTrace {
    /// The trace with every service's replicas multiplied by `factor` (`muster bench inference --burst`): the
    /// k-th replica of a service (k = 0, 1, ... in creation order) is replayed floor((k+1)·factor) −
    /// floor(k·factor) times, so each service has about `factor` times as many replicas at every moment (exactly,
    /// for a whole factor; a factor below 1 drops replicas evenly). With `window` (seconds from the start; a
    /// factor of at least 1), the extra copies live only inside it, clipped to it, as on a promotion day; outside
    /// the window the trace is unchanged.
    /// - Complexity: O(replicas × factor + replicas log replicas).
    public func scaled(by factor: Double, during window: Range<Seconds>? = nil) throws(TraceError) -> DLRMTrace {
        guard factor > 0, factor.isFinite else { throw .badArgument("the burst factor must be above 0, got \(factor)") }
        if window != nil, factor < 1 {
            throw .badArgument("a burst window needs a factor of at least 1, got \(factor)")
        }
        var seen: [String: Int] = [:]
        var out: [(replica: Replica, order: Int)] = []
        out.reserveCapacity(Int(Double(replicas.count) * factor.rounded(.up)))
        for replica in replicas {
            let k = seen[replica.service, default: 0]
            seen[replica.service] = k + 1
            let copies = Int((Double(k + 1) * factor).rounded(.down) - (Double(k) * factor).rounded(.down))
            for copy in 0..<copies {
                var r = replica
                if copy > 0, let window {
                    r.created = max(r.created, window.lowerBound)
                    r.deleted = min(r.deleted, window.upperBound)
                    guard r.created < r.deleted else { continue }
                }
                out.append((r, out.count))
            }
        }
        out.sort {
            $0.replica.created != $1.replica.created ? $0.replica.created < $1.replica.created : $0.order < $1.order
        }
        return DLRMTrace(replicas: out.map(\.replica), horizon: horizon, services: services, cpuRows: cpuRows)
    }
}
