import MusterCore

/// Which jobs changed, numbered: every committed change of a job's row takes the next number, so a watcher that
/// passes back the last number it saw (`muster queue --watch`) gets only what changed since, instead of polling
/// the whole list. Holds the last `capacity` changes; a watcher further behind is told to list again.
struct JobChangeLog: Sendable {
    /// Most changes kept.
    let capacity: Int

    /// The number of the last change (0: none yet).
    private(set) var seq: Int64 = 0
    /// Changes in order, oldest first: `(seq, job)`; a ring of at most `capacity`.
    private var ring: [(seq: Int64, job: JobID)] = []
    private var start = 0

    init(capacity: Int = 100_000) { self.capacity = max(1, capacity) }

    /// Records that `jobs` changed.
    mutating func record(_ jobs: [JobID]) {
        for job in jobs {
            seq += 1
            if ring.count < capacity {
                ring.append((seq, job))
            } else {
                ring[start] = (seq, job)
                start = (start + 1) % capacity
            }
        }
    }

    /// The jobs changed after change `after`, each once, in the order of their last change, and the number to
    /// pass next; `reset` when changes after `after` were already dropped (list everything again).
    func since(_ after: Int64) -> (jobs: [JobID], seq: Int64, reset: Bool) {
        // Beyond the last number: the numbers are a past controller's (they start again at a restart).
        if after > seq { return ([], seq, true) }
        guard after < seq else { return ([], seq, false) }
        let oldest = ring.isEmpty ? seq + 1 : ring[start].seq
        if after < oldest - 1 { return ([], seq, true) }
        // Changes are numbered consecutively, so the first wanted is at a known offset from the oldest kept.
        let skip = Int(after - (oldest - 1))
        var seen: Set<JobID> = []
        var out: [JobID] = []
        var k = ring.count - 1
        while k >= skip {
            let entry = ring[(start + k) % ring.count]
            if seen.insert(entry.job).inserted { out.append(entry.job) }
            k -= 1
        }
        return (out.reversed(), seq, false)
    }
}
