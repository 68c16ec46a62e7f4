/// The set of running jobs, by id and by expected end, so backfill can walk them in the order they free GPUs.
///
/// The end-time order is a binary min-heap with lazy deletion; `forEachByEnd` walks it in order without
/// popping, visiting only as many entries as the caller consumes.
public struct RunningJobs: Sendable {
    private struct EndEntry: Sendable {
        var end: Seconds
        var id: JobID
        @inline(__always) static func before(_ a: EndEntry, _ b: EndEntry) -> Bool {
            a.end != b.end ? a.end < b.end : a.id < b.id
        }
    }

    public private(set) var byID: [JobID: RunningJob] = [:]
    private var heap: [EndEntry] = []
    /// Per priority rank, ids in start order (lazy deletion): victims are looked for lowest class first, newest
    /// first, without walking every running job.
    private var byRank: [Int: [RankEntry]] = [:]

    private struct RankEntry: Sendable {
        var id: JobID
        var start: Seconds
    }
    private var staleInRanks = 0

    public init() {}

    public var count: Int { byID.count }
    public var isEmpty: Bool { byID.isEmpty }

    public subscript(id: JobID) -> RunningJob? { byID[id] }

    /// Adds a running job.
    /// - Complexity: O(log n) amortised.
    public mutating func insert(_ job: RunningJob) {
        if byID[job.id] != nil { staleInRanks += 1 }
        byID[job.id] = job
        byRank[job.priority, default: []].append(RankEntry(id: job.id, start: job.startTime))
        heap.append(EndEntry(end: job.expectedEnd, id: job.id))
        siftUp(heap.count - 1)
    }

    /// Records that running job `id` checkpointed at `time` (a later checkpoint only).
    public mutating func checkpointed(_ id: JobID, at time: Seconds) {
        guard let job = byID[id], time > job.checkpoint else { return }
        byID[id]?.checkpoint = time
    }

    /// Removes a job and returns it, or nil if it was not running.
    /// - Complexity: O(1) amortised (the heap entry goes stale and is dropped later).
    @discardableResult
    public mutating func remove(_ id: JobID) -> RunningJob? {
        guard let job = byID.removeValue(forKey: id) else { return nil }
        if heap.count > 64 && heap.count > 2 * byID.count { compact() }
        staleInRanks += 1
        if staleInRanks > 64 && staleInRanks > byID.count { compactRanks() }
        return job
    }

    /// All running jobs ordered by id: deterministic, whatever the hashing seed.
    public var sortedByID: [RunningJob] { byID.values.sorted { $0.id < $1.id } }

    /// Calls `body` for running jobs in order of expected end (ties by id) until it returns false.
    /// - Complexity: O(k log k) for k visited entries.
    public func forEachByEnd(_ body: (RunningJob) -> Bool) {
        guard !heap.isEmpty else { return }
        // Frontier of heap indices, itself a small min-heap keyed by the entries they point to.
        var frontier = IndexHeap()
        let heap = self.heap
        let less = { (a: Int32, b: Int32) in EndEntry.before(heap[Int(a)], heap[Int(b)]) }
        frontier.push(0, less)
        while let top = frontier.nextInOrder(count: heap.count, less) {
            let entry = heap[Int(top)]
            if let job = byID[entry.id], job.expectedEnd == entry.end {
                if !body(job) { return }
            }
        }
    }

    /// The priority ranks of running jobs, lowest first.
    public var ranks: [Int] { byRank.keys.sorted() }

    /// Calls `body` for the running jobs of `rank`, newest first, until it returns false.
    public func forEachNewest(ofRank rank: Int, _ body: (RunningJob) -> Bool) {
        guard let entries = byRank[rank] else { return }
        // A job removed and inserted again has two entries: only the newest counts.
        var seen: Set<JobID> = []
        for entry in entries.reversed() {
            guard let job = byID[entry.id], job.priority == rank, job.startTime == entry.start,
                seen.insert(entry.id).inserted
            else { continue }
            if !body(job) { return }
        }
    }

    private mutating func compactRanks() {
        var fresh: [Int: [RankEntry]] = [:]
        for (rank, entries) in byRank {
            let kept = entries.filter { entry in
                byID[entry.id].map { $0.priority == rank && $0.startTime == entry.start } ?? false
            }
            if !kept.isEmpty { fresh[rank] = kept }
        }
        byRank = fresh
        staleInRanks = 0
    }

    private mutating func compact() {
        heap = byID.values.map { EndEntry(end: $0.expectedEnd, id: $0.id) }.sorted(by: EndEntry.before)
    }

    private mutating func siftUp(_ start: Int) {
        var i = start
        while i > 0 {
            let p = (i - 1) / 2
            guard EndEntry.before(heap[i], heap[p]) else { break }
            heap.swapAt(i, p)
            i = p
        }
    }
}
