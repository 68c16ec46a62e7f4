import MusterCore

/// Guarantee violations during a replay: job-seconds spent waiting while the job fitted in its team's unused
/// guarantee. Teams are the quota teams with sharing (`--config`), or the partitions of a partitioned cluster
/// (each partition guarantees its own GPUs); otherwise nothing is tracked.
struct GuaranteeTally {
    let tracked: Bool
    private let byQuota: Bool
    /// Each job's team (a quota leaf, or a partition).
    private let team: [Int32]
    private let gpus: [Int32]
    /// Per team: the GPU sizes of its waiting jobs, with counts.
    private var waiting: [[Int32: Int]]
    private let guarantee: [Int]
    private var last: Seconds?
    /// Jobs waiting within their guarantee, as of the last observation.
    private var rate = 0
    private(set) var violationJobSeconds = 0.0

    init(jobs: [TraceJob], lane: [Int32], partitions: [ClusterPartition], quotas: Quotas?) {
        gpus = jobs.map { Int32($0.spec.gpus) }
        if let quotas {
            tracked = true
            byQuota = true
            team = jobs.map { Int32(quotas.team(named: $0.spec.team)) }
            guarantee = quotas.guarantee
        } else {
            tracked = partitions.count > 1
            byQuota = false
            team = lane
            guarantee = partitions.map(\.cluster.totalGPUs)
        }
        waiting = Array(repeating: [:], count: guarantee.count)
    }

    mutating func queued(_ job: Int) {
        guard tracked else { return }
        waiting[Int(team[job])][gpus[job], default: 0] += 1
    }

    mutating func started(_ job: Int) {
        guard tracked else { return }
        let t = Int(team[job])
        waiting[t][gpus[job], default: 1] -= 1
        if waiting[t][gpus[job]] == 0 { waiting[t].removeValue(forKey: gpus[job]) }
    }

    /// Adds the time since the last observation at the last rate, then counts the jobs waiting within their
    /// guarantee now.
    mutating func observe(now: Seconds, lifecycles: [Lifecycle]) {
        guard tracked else { return }
        if let last, now > last { violationJobSeconds += Double(rate) * Double(now - last) }
        last = now
        rate = 0
        for t in waiting.indices where !waiting[t].isEmpty {
            let used: Int
            if byQuota {
                guard let quotas = lifecycles[0].snapshot?.sharing?.quotas else { continue }
                used = quotas.guaranteedUse[t] + quotas.borrowedUse[t]
            } else {
                guard let cluster = lifecycles[t].snapshot?.cluster else { continue }
                used = cluster.totalGPUs - cluster.freeTotal
            }
            let free = guarantee[t] - used
            guard free > 0 else { continue }
            for (size, count) in waiting[t] where Int(size) <= free { rate += count }
        }
    }
}
