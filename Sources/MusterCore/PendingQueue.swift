/// The queue of a snapshot: pending jobs by id, kept in the order the policy serves them without sorting the
/// whole queue on every pass.
///
/// Jobs live in slots (insertion order); the serving order is a binary min-heap of keys with lazy deletion. New
/// jobs wait in `fresh` until the scheduler gives them keys (`order`), since only it knows the policy; a pass walks
/// the heap in order without popping (`Walk`), visiting only as many jobs as it examines. Removing a job is O(1)
/// (its heap entry goes stale and is dropped from the top or at the next compaction).
public struct PendingQueue: Sendable, Sequence, ExpressibleByArrayLiteral {
    /// The serving order: smaller first (`rank`, then `weight`, then submit time, then id).
    public struct Key: Sendable, Hashable {
        var rank: Int64
        var weight: Double
        var submit: Int64
        var id: JobID
        var slot: Int32

        @inline(__always) static func before(_ a: Key, _ b: Key) -> Bool {
            if a.rank != b.rank { return a.rank < b.rank }
            if a.weight != b.weight { return a.weight < b.weight }
            if a.submit != b.submit { return a.submit < b.submit }
            return a.id < b.id
        }
    }

    /// A gang shape with its per-node CPU and memory needs: jobs of one shape fit or fail together.
    public struct Shape: Sendable, Hashable {
        public var nodes: Int
        public var gpusPerNode: Int
        public var cpus: Int
        public var memory: Int
        /// The GPU model asked for (-1: any).
        public var model: Int16

        public init(_ job: PendingJob) {
            nodes = job.shape.nodes
            gpusPerNode = job.shape.gpusPerNode
            cpus = job.cpusPerNode
            memory = job.memoryMiBPerNode
            model = job.model
        }

        /// A gang at least as large in every way fails wherever this one failed (the cluster only fills up
        /// during a pass): as many or more nodes, each needing as much or more, on the same model or any subset.
        @inline(__always) func dominates(_ other: Shape) -> Bool {
            other.nodes >= nodes && other.gpusPerNode >= gpusPerNode && other.cpus >= cpus && other.memory >= memory
                && (model < 0 || model == other.model)
        }
    }

    /// The same jobs, one queue per shape (kept by the top-level queue only): backfill walks these so that a
    /// shape that cannot fit is dropped whole, whatever its number of jobs.
    private(set) var byShape: [Shape: PendingQueue] = [:]
    private var indexesShapes = true

    private init(shapeQueue: ()) {
        indexesShapes = false
    }

    private var slots: [PendingJob?] = []
    /// Where each slot's key is in `heap` (-1: not there yet), so a removed job's key leaves the heap at once and
    /// walks never step over it.
    private var pos: [Int32] = []
    private var slotOf: [JobID: Int32] = [:]
    private var heap: [Key] = []
    /// Slots added since the last `order`.
    private var fresh: [Int32] = []
    /// Which order the keys are for (set by the scheduler; a change re-keys every job), and when all were keyed.
    public private(set) var orderedBy: Int8 = 0
    public private(set) var orderedAt: Seconds = 0

    public init() {}

    public init(arrayLiteral jobs: PendingJob...) {
        for job in jobs { append(job) }
    }

    public init(_ jobs: [PendingJob]) {
        for job in jobs { append(job) }
    }

    /// No queued job has a shorter time limit (a bound: it is kept on `append` and reset only when the queue
    /// empties), so a pass can tell that every job of a shape would run past a reservation.
    public private(set) var shortestTimeLimit: Seconds = .max

    public var count: Int { slotOf.count }
    public var isEmpty: Bool { slotOf.isEmpty }

    /// Queues `job` (replacing a queued job with its id). Its place in the order is given at the next `order`.
    public mutating func append(_ job: PendingJob) {
        if slotOf[job.id] != nil { remove(job.id) }
        if indexesShapes { byShape[Shape(job), default: PendingQueue(shapeQueue: ())].append(job) }
        let slot = Int32(slots.count)
        shortestTimeLimit = Swift.min(shortestTimeLimit, job.timeLimit)
        slots.append(job)
        pos.append(-1)
        slotOf[job.id] = slot
        fresh.append(slot)
    }

    /// Takes job `id` out of the queue.
    @discardableResult
    public mutating func remove(_ id: JobID) -> PendingJob? {
        guard let slot = slotOf.removeValue(forKey: id) else { return nil }
        let job = slots[Int(slot)]
        slots[Int(slot)] = nil
        removeKey(of: slot)
        if indexesShapes, let job {
            let shape = Shape(job)
            byShape[shape]?.remove(id)
            if byShape[shape]?.isEmpty == true { byShape.removeValue(forKey: shape) }
        }
        if slotOf.isEmpty {
            shortestTimeLimit = .max
            slots.removeAll(keepingCapacity: true)
            pos.removeAll(keepingCapacity: true)
            heap.removeAll(keepingCapacity: true)
            fresh.removeAll(keepingCapacity: true)
        }
        return job
    }

    /// Takes out every job `predicate` holds for. O(n).
    public mutating func removeAll(where predicate: (PendingJob) -> Bool) {
        for job in self where predicate(job) { remove(job.id) }
    }

    public subscript(id: JobID) -> PendingJob? {
        slotOf[id].flatMap { slots[Int($0)] }
    }

    public func contains(_ id: JobID) -> Bool { slotOf[id] != nil }

    /// The queued jobs in the order they were queued.
    public func makeIterator() -> some IteratorProtocol<PendingJob> {
        slots.lazy.compactMap { $0 }.makeIterator()
    }

    /// Gives the jobs queued since the last call their keys (all jobs when `all`: the keys of some changed), and
    /// drops stale entries. `key(job)` returns (rank, weight): smaller first.
    public mutating func order(all: Bool, kind: Int8, at now: Seconds, _ key: (PendingJob) -> (Int64, Double)) {
        if indexesShapes {
            for shape in Array(byShape.keys) { byShape[shape]!.order(all: all, kind: kind, at: now, key) }
        }
        let stale = slots.count - slotOf.count
        let everything = all || kind != orderedBy
        if everything { orderedAt = now }
        orderedBy = kind
        if everything || stale > 1_024 && stale > slotOf.count {
            // Compact the slots and rebuild the heap: O(n log n) at worst.
            var kept: [PendingJob?] = []
            kept.reserveCapacity(slotOf.count)
            heap.removeAll(keepingCapacity: true)
            for case let job? in slots {
                let slot = Int32(kept.count)
                kept.append(job)
                slotOf[job.id] = slot
                let (rank, weight) = key(job)
                heap.append(Key(rank: rank, weight: weight, submit: job.submitTime, id: job.id, slot: slot))
            }
            slots = kept
            fresh.removeAll(keepingCapacity: true)
            heap.sort(by: Key.before)  // a sorted array is a valid min-heap
            pos = Array(repeating: -1, count: slots.count)
            for (i, key) in heap.enumerated() { pos[Int(key.slot)] = Int32(i) }
            return
        }
        for slot in fresh {
            guard let job = slots[Int(slot)], slotOf[job.id] == slot, pos[Int(slot)] < 0 else { continue }
            let (rank, weight) = key(job)
            push(Key(rank: rank, weight: weight, submit: job.submitTime, id: job.id, slot: slot))
        }
        fresh.removeAll(keepingCapacity: true)
    }

    @inline(__always) private func isLive(_ key: Key) -> Bool {
        // A removed job's slot is emptied and a queued-again job gets a new slot, so the id alone tells.
        Int(key.slot) < slots.count && slots[Int(key.slot)]?.id == key.id
    }

    @inline(__always) private mutating func place(_ i: Int) {
        pos[Int(heap[i].slot)] = Int32(i)
    }

    private mutating func push(_ key: Key) {
        heap.append(key)
        place(heap.count - 1)
        siftUp(heap.count - 1)
    }

    /// Takes the key of `slot` out of the heap, if it is there. O(log n).
    private mutating func removeKey(of slot: Int32) {
        let i = Int(pos[Int(slot)])
        guard i >= 0 else { return }
        pos[Int(slot)] = -1
        let last = heap.removeLast()
        guard i < heap.count else { return }
        heap[i] = last
        place(i)
        siftDown(siftUp(i))
    }

    @discardableResult
    private mutating func siftUp(_ start: Int) -> Int {
        var i = start
        while i > 0 {
            let p = (i - 1) / 2
            guard Key.before(heap[i], heap[p]) else { break }
            heap.swapAt(i, p)
            place(i)
            place(p)
            i = p
        }
        return i
    }

    private mutating func siftDown(_ start: Int) {
        var i = start
        while true {
            let l = 2 * i + 1
            let r = l + 1
            var m = i
            if l < heap.count && Key.before(heap[l], heap[m]) { m = l }
            if r < heap.count && Key.before(heap[r], heap[m]) { m = r }
            if m == i { break }
            heap.swapAt(i, m)
            place(i)
            place(m)
            i = m
        }
    }

    /// The first job in order, if every queued job has its key.
    public var first: PendingJob? {
        var walk = Walk()
        return walk.next(in: self)
    }

    /// A walk over the queue in serving order, one job per `next`; it keeps only a frontier of the heap, so a
    /// pass that looks at k jobs pays O(k log k). The queue must not change during a walk (passes mark what
    /// starts and remove it after).
    public struct Walk: Sendable {
        private var frontier = IndexHeap()
        private var started = false

        public init() {}

        /// The next job in order, or nil at the end.
        public mutating func next(in queue: PendingQueue) -> PendingJob? {
            nextKeyed(in: queue)?.job
        }

        /// The next job in order with its key, or nil at the end.
        mutating func nextKeyed(in queue: PendingQueue) -> (job: PendingJob, key: Key)? {
            let heap = queue.heap
            let less = { (a: Int32, b: Int32) in Key.before(heap[Int(a)], heap[Int(b)]) }
            if !started {
                started = true
                if !heap.isEmpty { frontier.push(0, less) }
            }
            while let top = frontier.nextInOrder(count: heap.count, less) {
                let key = heap[Int(top)]
                if queue.isLive(key), let job = queue.slots[Int(key.slot)] { return (job, key) }
            }
            return nil
        }
    }
}
