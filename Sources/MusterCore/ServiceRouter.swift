/// Where a service's router sends each request, counting in-flight requests itself (a model server needs no
/// metrics endpoint).
///
/// A request goes to the less loaded of two ready replicas drawn at random ("the power of two choices"), never to
/// one already at `maxInflight`; when every ready replica is at its cap (or none is ready, e.g. while a service
/// scales from zero), it waits in a FIFO queue of at most `maxQueue` requests, and beyond that it is refused (the
/// shell answers 503 with Retry-After). A request that finishes frees its replica's slot for the oldest waiting
/// request. Pure and deterministic for a seed.
public struct ServiceRouter: Sendable {
    /// A replica as the router sees it.
    public struct Replica: Sendable, Hashable {
        public var id: Int
        public var ready: Bool
        public var inflight: Int
    }

    /// What happens to an arriving request.
    public enum Outcome: Sendable, Hashable {
        case forward(replica: Int)
        case queued
        case refused
    }

    public private(set) var replicas: [Replica] = []
    public let maxInflight: Int
    public let maxQueue: Int
    /// Requests waiting, oldest first.
    public private(set) var queue: [UInt64] = []
    private var queueStart = 0
    private var rng: UInt64

    public init(maxInflight: Int, maxQueue: Int, seed: UInt64 = 0x5EED) {
        self.maxInflight = max(1, maxInflight)
        self.maxQueue = max(0, maxQueue)
        rng = seed | 1
    }

    /// Requests waiting now.
    public var waiting: Int { queue.count - queueStart }

    /// Requests forwarded and not finished, plus those waiting: the autoscaler's load.
    public var load: Int { replicas.reduce(0) { $0 + $1.inflight } + waiting }

    /// Adds replica `id` (not ready yet), or does nothing if it is known.
    public mutating func add(_ id: Int) {
        guard !replicas.contains(where: { $0.id == id }) else { return }
        replicas.append(Replica(id: id, ready: false, inflight: 0))
    }

    /// Marks replica `id` ready or not; a replica that became ready takes waiting requests, returned with it.
    public mutating func setReady(_ id: Int, _ ready: Bool) -> [(request: UInt64, replica: Int)] {
        guard let i = replicas.firstIndex(where: { $0.id == id }) else { return [] }
        replicas[i].ready = ready
        return ready ? drain() : []
    }

    /// Forgets replica `id` (stopped or killed): nothing more goes to it; its in-flight requests are the shell's
    /// to fail.
    public mutating func remove(_ id: Int) {
        replicas.removeAll { $0.id == id }
    }

    /// Routes request `request`.
    public mutating func arrive(_ request: UInt64) -> Outcome {
        if waiting == 0, let r = pick() {
            replicas[r].inflight += 1
            return .forward(replica: replicas[r].id)
        }
        guard waiting < maxQueue else { return .refused }
        queue.append(request)
        return .queued
    }

    /// A request forwarded to replica `id` finished; returns the waiting requests that may now go, and where.
    public mutating func finished(on id: Int) -> [(request: UInt64, replica: Int)] {
        if let i = replicas.firstIndex(where: { $0.id == id }), replicas[i].inflight > 0 { replicas[i].inflight -= 1 }
        return drain()
    }

    /// Takes a waiting request out of the queue without sending it (its client went away, or it waited too long).
    public mutating func abandon(_ request: UInt64) {
        guard let i = queue[queueStart...].firstIndex(of: request) else { return }
        queue.remove(at: i)
    }

    /// Sends waiting requests to replicas with room, oldest first.
    private mutating func drain() -> [(request: UInt64, replica: Int)] {
        var sent: [(UInt64, Int)] = []
        while waiting > 0, let r = pick() {
            replicas[r].inflight += 1
            sent.append((queue[queueStart], replicas[r].id))
            queueStart += 1
        }
        if queueStart > 64 && queueStart * 2 > queue.count {
            queue.removeFirst(queueStart)
            queueStart = 0
        }
        return sent
    }

    /// The replica index for the next request: the less loaded of two ready ones with room drawn at random; if both
    /// are full, any ready one with room (the least loaded); nil when none has room.
    private mutating func pick() -> Int? {
        let open = replicas.indices.filter { replicas[$0].ready && replicas[$0].inflight < maxInflight }
        guard !open.isEmpty else { return nil }
        if open.count == 1 { return open[0] }
        let a = open[Int(next() % UInt64(open.count))]
        var b = open[Int(next() % UInt64(open.count - 1))]
        if b == a { b = open[open.count - 1] }
        return replicas[b].inflight < replicas[a].inflight ? b : a
    }

    /// xorshift64*: deterministic for a seed, enough for choosing replicas.
    private mutating func next() -> UInt64 {
        rng ^= rng >> 12
        rng ^= rng << 25
        rng ^= rng >> 27
        return rng &* 2_685_821_657_736_338_717
    }
}
