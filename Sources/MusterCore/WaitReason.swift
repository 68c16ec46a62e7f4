/// Why a queued job did not start in a planning pass, as the pass that decided saw it (`muster why`).
public enum WaitReason: Sendable, Hashable {
    /// First in line and promised these GPUs by `at` at the latest (backfill keeps them for it).
    case reserved(at: Seconds)
    /// It does not fit in what is free: `free` GPUs in all, at most `largestOnANode` on one node.
    case noRoom(needs: GangShape, free: Int, largestOnANode: Int)
    /// It fits only on GPUs reserved for `job`, and its time limit would run past `at`, when that job starts.
    case wouldDelay(job: JobID, at: Seconds)
    /// First-come order (fifo, priority): the queue stops at `job`, the first that does not fit.
    case behind(job: JobID)
    /// Even if every running job ended it would not fit on the nodes that are up now.
    case tooLargeForNodesUp(needs: GangShape)
    /// The backfill pass stopped examining the queue before reaching it (at most this many jobs behind the
    /// reservation are examined per pass).
    case beyondBackfillDepth(Int)
    /// Its team's quota keeps it waiting, whatever is free.
    case overQuota(QuotaRefusal)
    /// Starting it would take a block's modelled draw past its power budget (watts).
    case overPowerBudget(block: String, budgetWatts: Double, drawWatts: Double, jobWatts: Double)
    /// It cannot be preempted, and starting it would eat into the `reserved` GPUs held as headroom for
    /// services (`team`'s the most); `usable` GPUs are left to such work.
    case headroom(team: String, reserved: Int, usable: Int)
    /// Its team's quota of the GPU model it asked for keeps it waiting.
    indirect case overModelQuota(model: String, WaitReason)

    /// Words a user can act on; times are given relative to `now`, the pass's time.
    public func description(now: Seconds) -> String {
        switch self {
        case .reserved(let at):
            return "next in line: GPUs are reserved for it; it starts \(Self.within(at - now)) at the latest "
                + "(when the jobs running there reach their time limits)"
        case .noRoom(let needs, let free, let largest):
            return "no room: it needs \(needs.nodes) node(s) with \(needs.gpusPerNode) free GPUs each; "
                + "\(free) GPUs are free, at most \(largest) on one node"
        case .wouldDelay(let job, let at):
            return "it fits only on GPUs reserved for job \(job), which starts \(Self.within(at - now)) at the latest, "
                + "and its time limit would run past that; a shorter --time could let it backfill"
        case .behind(let job):
            return "waiting behind job \(job): this policy starts jobs in order and job \(job) does not fit yet"
        case .overQuota(.overGuarantee(let team, let guarantee, let using)):
            return "over quota: team \(team) uses \(using) of its \(guarantee) guaranteed GPUs and lending is off"
        case .overQuota(.overBorrowLimit(let team, let limit, let borrowing)):
            return "over quota: team \(team) already borrows \(borrowing) GPUs of its borrowing limit of \(limit)"
        case .overQuota(.nothingToBorrow(let team, let guarantee, let lendable)):
            return "over quota: team \(team) is beyond its guarantee of \(guarantee) GPUs and only \(lendable) GPUs "
                + "are lent now; it starts when others lend more or its own jobs end"
        case .overPowerBudget(let block, let budget, let draw, let job):
            return "power budget: \(block) draws \(Self.kilowatts(draw)) of its \(Self.kilowatts(budget)) budget and "
                + "this job would add \(Self.kilowatts(job)) at peak; it starts when running jobs end there"
        case .headroom(let team, let reserved, let usable):
            return "service headroom: \(reserved) GPUs are held for services (most for team \(team)'s) and only "
                + "preemptible work may use them; \(usable) GPUs are left to work that cannot be preempted"
        case .overModelQuota(let model, let inner):
            let text = inner.description(now: now)
            let rest = text.hasPrefix("over quota: ") ? String(text.dropFirst("over quota: ".count)) : text
            return "over quota of \(model) GPUs (its ledger counts that model's GPUs only): " + rest
        case .beyondBackfillDepth(let depth):
            return "queued behind the reservation and \(depth) other jobs: the last pass examined no further (its "
                + "backfill depth); it moves up as jobs ahead start"
        case .tooLargeForNodesUp(let needs):
            return "it needs \(needs.nodes) node(s) with \(needs.gpusPerNode) GPUs each, more than the nodes up now "
                + "have even when idle; it waits for nodes to come back"
        }
    }

    /// Watts as "12.3 kW" (or "1.25 MW").
    static func kilowatts(_ watts: Double) -> String {
        guard watts.isFinite else { return "no limit" }
        if watts >= 1_000_000 { return "\((watts / 10_000).rounded() / 100) MW" }
        return "\((watts / 100).rounded() / 10) kW"
    }

    /// "within 1h20m" (or "now").
    static func within(_ seconds: Seconds) -> String {
        guard seconds > 0 else { return "now" }
        let d = seconds / 86_400
        let h = seconds % 86_400 / 3_600
        let m = seconds % 3_600 / 60
        let s = seconds % 60
        if d > 0 { return "within \(d)d\(h)h" }
        if h > 0 { return "within \(h)h\(m)m" }
        if m > 0 { return "within \(m)m\(s)s" }
        return "within \(s)s"
    }
}

extension Cluster {
    /// Why `shape` finds no room now: free GPUs in all and the most free on one node.
    func noRoom(_ shape: GangShape) -> WaitReason {
        var largest = 0
        if maxGPUsPerNode > 0 {
            for k in stride(from: maxGPUsPerNode, through: 1, by: -1) where nodesWithFree(atLeast: k, in: root) > 0 {
                largest = k
                break
            }
        }
        return .noRoom(needs: shape, free: freeTotal, largestOnANode: largest)
    }
}
