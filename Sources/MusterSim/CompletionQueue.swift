import MusterCore

/// The simulator's pending attempt completions: a binary min-heap on (time, job index), so ties end in a fixed
/// order. Each entry names the attempt's epoch, so the lifecycle can tell a stale end from the current attempt's.
struct CompletionQueue {
    private var times: [Seconds] = []
    private var jobs: [Int32] = []
    private var epochs: [Int32] = []

    var isEmpty: Bool { times.isEmpty }
    var count: Int { times.count }
    /// The earliest completion time, if any.
    var nextTime: Seconds? { times.first }

    @inline(__always)
    private func less(_ a: Int, _ b: Int) -> Bool {
        times[a] != times[b] ? times[a] < times[b] : jobs[a] < jobs[b]
    }

    /// - Complexity: O(log n).
    mutating func push(time: Seconds, job: Int32, epoch: Int32) {
        times.append(time)
        jobs.append(job)
        epochs.append(epoch)
        var i = times.count - 1
        while i > 0 {
            let p = (i - 1) / 2
            guard less(i, p) else { break }
            times.swapAt(i, p)
            jobs.swapAt(i, p)
            epochs.swapAt(i, p)
            i = p
        }
    }

    /// Removes and returns the earliest completion.
    /// - Complexity: O(log n).
    mutating func pop() -> (time: Seconds, job: Int32, epoch: Int32) {
        let top = (times[0], jobs[0], epochs[0])
        let lastTime = times.removeLast()
        let lastJob = jobs.removeLast()
        let lastEpoch = epochs.removeLast()
        if !times.isEmpty {
            times[0] = lastTime
            jobs[0] = lastJob
            epochs[0] = lastEpoch
            var i = 0
            let n = times.count
            while true {
                let l = 2 * i + 1
                let r = l + 1
                var m = i
                if l < n && less(l, m) { m = l }
                if r < n && less(r, m) { m = r }
                if m == i { break }
                times.swapAt(i, m)
                jobs.swapAt(i, m)
                epochs.swapAt(i, m)
                i = m
            }
        }
        return top
    }
}
