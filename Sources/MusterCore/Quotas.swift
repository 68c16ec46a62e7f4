/// The GPUs each team uses against its guarantee and limits, kept up to date as jobs start and end, and the
/// answer to "may this job start, and on whose GPUs?".
///
/// A job that fits in its team's unused guarantee is *guaranteed*; one that does not *borrows*: it may start
/// while no team on its path goes over its borrowing limit and what all teams borrow stays within what is lent
/// (the GPUs nobody is guaranteed, plus each team's idle guarantee up to its lending limit). Borrowed jobs are
/// the ones reclaimed by preemption when a guarantee's owner needs it back.
public struct Quotas: Sendable, Hashable {
    /// Team paths: leaves, the orgs their paths imply, and the fallback; indexed by `team` in jobs.
    public let names: [String]
    /// Parent index, -1 at the top.
    public let parent: [Int32]
    public let isLeaf: [Bool]
    /// Guaranteed GPUs (orgs: their subtree's sum).
    public let guarantee: [Int]
    /// GPUs beyond the guarantee the team's subtree may use (`Int.max`: no limit).
    public let borrowLimit: [Int]
    /// GPUs of a leaf's idle guarantee it lends (`Int.max`: all).
    public let lendLimit: [Int]
    /// The team a job with an unknown team name charges: `default` when no teams are configured.
    public let fallback: Int
    public let lending: Bool
    /// GPUs of guaranteed jobs, per leaf.
    public private(set) var guaranteedUse: [Int]
    /// GPUs of borrowing jobs, per team (subtree sums).
    public private(set) var borrowedUse: [Int]
    /// GPUs nobody is guaranteed (may be negative when guarantees exceed the cluster).
    public let unguaranteed: Int
    /// GPUs lent now: `unguaranteed` plus each leaf's idle guarantee up to its lending limit.
    public private(set) var lendable: Int
    public private(set) var borrowedTotal = 0
    /// Idle guarantees, ignoring lending limits: `unguaranteed + idle` is what borrowers could use at most.
    public private(set) var idle = 0
    private let index: [String: Int]

    /// Accounting for `policy` on a cluster of `totalGPUs`, nothing running.
    public init(policy: SharingPolicy, totalGPUs: Int) {
        var names: [String] = []
        var parent: [Int32] = []
        var index: [String: Int] = [:]
        func add(_ path: String) -> Int {
            if let i = index[path] { return i }
            let parts = path.split(separator: "/")
            let up = parts.count > 1 ? add(parts.dropLast().joined(separator: "/")) : -1
            names.append(path)
            parent.append(Int32(up))
            index[path] = names.count - 1
            return names.count - 1
        }
        for team in policy.teams.sorted(by: { $0.name < $1.name }) { _ = add(team.name) }
        let fallbackName = policy.teams.isEmpty ? "default" : "(no team)"
        fallback = add(fallbackName)
        var isLeaf = Array(repeating: true, count: names.count)
        for p in parent where p >= 0 { isLeaf[Int(p)] = false }
        var guarantee = Array(repeating: 0, count: names.count)
        var borrowLimit = Array(repeating: Int.max, count: names.count)
        var lendLimit = Array(repeating: Int.max, count: names.count)
        for team in policy.teams {
            guard let i = index[team.name] else { continue }
            if isLeaf[i] { guarantee[i] = max(0, team.guarantee) }
            borrowLimit[i] = team.borrowLimit.map { max(0, $0) } ?? .max
            lendLimit[i] = team.lendLimit.map { max(0, $0) } ?? .max
        }
        // Orgs: the sum of their leaves (children are added after parents, so walk backwards).
        for i in stride(from: names.count - 1, through: 0, by: -1) where isLeaf[i] {
            var p = Int(parent[i])
            while p >= 0 {
                guarantee[p] += guarantee[i]
                p = Int(parent[p])
            }
        }
        self.names = names
        self.parent = parent
        self.isLeaf = isLeaf
        self.guarantee = guarantee
        self.borrowLimit = borrowLimit
        self.lendLimit = lendLimit
        self.index = index
        self.lending = policy.lending
        guaranteedUse = Array(repeating: 0, count: names.count)
        borrowedUse = Array(repeating: 0, count: names.count)
        var guaranteed = 0
        var lent = 0
        for i in names.indices where isLeaf[i] {
            guaranteed += guarantee[i]
            lent += min(lendLimit[i], guarantee[i])
        }
        idle = guaranteed
        unguaranteed = totalGPUs - guaranteed
        lendable = unguaranteed + lent
    }

    /// The team index of a job's team name: its full path, or a leaf's last component when no other leaf has
    /// it; the fallback when unknown.
    public func team(named name: String) -> Int {
        if let i = index[name], isLeaf[i] { return i }
        var found: Int?
        for i in names.indices where isLeaf[i] && names[i].split(separator: "/").last.map(String.init) == name {
            if found != nil { return fallback }
            found = i
        }
        return found ?? fallback
    }

    /// Whether `name` names a leaf team (or no teams are configured).
    public func knows(_ name: String) -> Bool {
        team(named: name) != fallback || names[fallback] == "default"
    }

    /// How a job of `team` with `gpus` GPUs may start now, as far as quotas go.
    public func admit(_ team: Int, gpus: Int) -> Admission {
        if guaranteedUse[team] + gpus <= guarantee[team] { return .guaranteed }
        guard lending else {
            return .refused(.overGuarantee(team: names[team], guarantee: guarantee[team], using: guaranteedUse[team]))
        }
        var t = team
        while t >= 0 {
            if borrowLimit[t] != .max, borrowedUse[t] + gpus > borrowLimit[t] {
                return .refused(.overBorrowLimit(team: names[t], limit: borrowLimit[t], borrowing: borrowedUse[t]))
            }
            t = Int(parent[t])
        }
        // Beyond every idle GPU the job would not fit anyway: that is no room, not quota (it may get a reservation).
        if borrowedTotal + gpus > lendable, borrowedTotal + gpus <= unguaranteed + idle {
            return .refused(
                .nothingToBorrow(
                    team: names[team], guarantee: guarantee[team], lendable: max(0, lendable - borrowedTotal)))
        }
        return .borrowing
    }

    /// A job of `team` with `gpus` GPUs started (`borrowed`: on lent capacity).
    public mutating func charge(_ team: Int, gpus: Int, borrowed: Bool) {
        change(team, gpus: gpus, borrowed: borrowed)
    }

    /// A job charged with `charge` stopped holding its GPUs.
    public mutating func uncharge(_ team: Int, gpus: Int, borrowed: Bool) {
        change(team, gpus: -gpus, borrowed: borrowed)
    }

    private mutating func change(_ team: Int, gpus: Int, borrowed: Bool) {
        guard team >= 0, team < names.count else { return }
        if borrowed {
            borrowedTotal += gpus
            var t = team
            while t >= 0 {
                borrowedUse[t] += gpus
                t = Int(parent[t])
            }
        } else {
            let idleBefore = max(0, guarantee[team] - guaranteedUse[team])
            let before = min(lendLimit[team], idleBefore)
            guaranteedUse[team] += gpus
            let idleAfter = max(0, guarantee[team] - guaranteedUse[team])
            let after = min(lendLimit[team], idleAfter)
            lendable += after - before
            idle += idleAfter - idleBefore
        }
    }

    /// GPUs team `t` (and its subtree) uses: guaranteed plus borrowed.
    public func used(_ t: Int) -> Int {
        var guaranteed = 0
        for i in names.indices where isLeaf[i] {
            var p = i
            while p >= 0 && p != t { p = Int(parent[p]) }
            if p == t { guaranteed += guaranteedUse[i] }
        }
        return guaranteed + borrowedUse[t]
    }

    /// GPUs of team `t`'s guarantee that others borrow now: its idle guarantee, up to its lending limit, when
    /// anyone borrows at all (the lent pool is drawn from the unguaranteed GPUs first).
    public func lent(_ t: Int) -> Int {
        guard isLeaf[t] else { return 0 }
        let idle = min(lendLimit[t], max(0, guarantee[t] - guaranteedUse[t]))
        let fromTeams = max(0, borrowedTotal - max(0, unguaranteed))
        let pool = lendable - unguaranteed
        guard pool > 0, fromTeams > 0 else { return 0 }
        return Int((Double(idle) * Double(min(fromTeams, pool)) / Double(pool)).rounded())
    }
}

/// What quotas say about a job that may start.
public enum Admission: Sendable, Hashable {
    /// Within its team's guarantee: never reclaimed.
    case guaranteed
    /// On lent capacity: the first to be reclaimed.
    case borrowing
    /// Not now, whatever is free.
    case refused(QuotaRefusal)
}

/// Why quotas keep a job waiting.
public enum QuotaRefusal: Sendable, Hashable {
    /// Lending is off: the team's guarantee is used up.
    case overGuarantee(team: String, guarantee: Int, using: Int)
    /// The team (or an org above it) borrows up to its limit already.
    case overBorrowLimit(team: String, limit: Int, borrowing: Int)
    /// Nobody lends enough now.
    case nothingToBorrow(team: String, guarantee: Int, lendable: Int)
}
