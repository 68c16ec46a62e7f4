/// How the queue is ordered and whether jobs may jump it.
public enum SchedulingPolicy: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// Strict submission order; the first job that cannot start blocks all behind it.
    case fifo
    /// Priority class, then age; strict (head-of-line blocking) like `fifo`.
    case priority
    /// Priority order with EASY backfill: the first job that cannot start gets a reservation; later jobs start
    /// only if they end (by time limit) before it or stay off its GPUs.
    case backfill

    public var description: String { rawValue }
}
