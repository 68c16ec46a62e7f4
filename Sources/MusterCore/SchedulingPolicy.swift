/// How the queue is ordered and whether jobs may jump it.
public enum SchedulingPolicy: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// Strict submission order; the first job that cannot start blocks all behind it.
    case fifo
    /// Priority class, then age; strict (head-of-line blocking) like `fifo`.
    case priority
    /// Priority order with EASY backfill: the first job that cannot start gets a reservation; later jobs start
    /// only if they end (by time limit) before it or stay off its GPUs.
    case backfill
    /// Oracle baseline: shortest job first by time limit (the true runtime where the trace gives exact limits,
    /// as Philly's replay does); non-preemptive, with backfill.
    case sjf
    /// Oracle baseline: shortest remaining time first (time limit less the service received); a waiting job
    /// preempts running ones with more time left. Preempted jobs resume where they stopped.
    case srtf
    /// Non-clairvoyant: least attained service first, as Tiresias's discretized 2D-LAS (NSDI'19): jobs sit in
    /// queues by the GPU-seconds they have received (below 1 GPU-hour, below 10, beyond), FIFO within a queue; a
    /// waiting job preempts running jobs of a lower queue. Uses no runtime knowledge at all.
    case las

    public var description: String { rawValue }

    /// Whether a waiting job may preempt running jobs under this policy's own order (not only by class).
    public var preemptsByOrder: Bool { self == .srtf || self == .las }

    /// Tiresias's queue thresholds in GPU-seconds: queue 0 below the first, 1 below the second, 2 beyond.
    public static let lasThresholds: [Double] = [3_600, 36_000]

    /// The LAS queue of a job that has received `attained` GPU-seconds.
    public static func lasQueue(_ attained: Double) -> Int {
        lasThresholds.firstIndex { attained < $0 } ?? lasThresholds.count
    }
}
