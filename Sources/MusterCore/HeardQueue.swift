import DequeModule

/// When each node was last heard from, in the order it was heard: the oldest live entry gives the next heartbeat
/// deadline in O(1), and `tick` finds the silent nodes without walking all of them (a controller of 125,000 nodes
/// hears thousands of heartbeats a second).
///
/// Every heartbeat appends an entry; the node's earlier entry goes stale (its time no longer matches the node's
/// `lastHeard`) and is dropped when it reaches the front. The clock is monotonic, so appends keep the queue in
/// time order; an out-of-order time (a test's clock) is inserted in place.
struct HeardQueue: Sendable {
    struct Entry: Sendable, Hashable {
        var time: Double
        var node: String
    }

    private var entries: Deque<Entry> = []

    /// Records that `node` was heard at `time`.
    mutating func heard(_ node: String, at time: Double) {
        let entry = Entry(time: time, node: node)
        if let last = entries.last, last.time > time {
            entries.insert(entry, at: entries.partitionPoint { $0.time <= time })
        } else {
            entries.append(entry)
        }
    }

    /// The oldest entry. The lifecycle drops stale ones from the front after every change (`purgeHeard`), so it
    /// is live whenever it is read.
    var first: Entry? { entries.first }

    /// Removes and returns the oldest entry.
    mutating func removeFirst() -> Entry { entries.removeFirst() }
}
