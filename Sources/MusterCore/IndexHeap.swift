/// A small binary min-heap of indices, ordered by a comparison the caller passes in: the frontier of a walk over
/// a heap in order (`RunningJobs.forEachByEnd`, `PendingQueue.Walk`) and the merge of per-shape queues.
struct IndexHeap: Sendable {
    private(set) var items: [Int32] = []

    var isEmpty: Bool { items.isEmpty }

    mutating func push(_ x: Int32, _ less: (Int32, Int32) -> Bool) {
        items.append(x)
        var i = items.count - 1
        while i > 0 {
            let p = (i - 1) / 2
            guard less(items[i], items[p]) else { break }
            items.swapAt(i, p)
            i = p
        }
    }

    mutating func popMin(_ less: (Int32, Int32) -> Bool) -> Int32? {
        guard let top = items.first else { return nil }
        let last = items.removeLast()
        guard !items.isEmpty else { return top }
        items[0] = last
        var i = 0
        while true {
            let l = 2 * i + 1
            let r = l + 1
            var m = i
            if l < items.count && less(items[l], items[m]) { m = l }
            if r < items.count && less(items[r], items[m]) { m = r }
            if m == i { break }
            items.swapAt(i, m)
            i = m
        }
        return top
    }

    /// Walks the binary heap `count` entries long (ordered by `less` on its indices) in order, without changing
    /// it: pops the smallest index of the frontier and pushes its children. Returns the next index, or nil.
    mutating func nextInOrder(count: Int, _ less: (Int32, Int32) -> Bool) -> Int32? {
        guard let top = popMin(less) else { return nil }
        if Int(2 * top + 1) < count { push(2 * top + 1, less) }
        if Int(2 * top + 2) < count { push(2 * top + 2, less) }
        return top
    }
}
