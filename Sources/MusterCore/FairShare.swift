#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Each team's past GPU use, decayed with a half-life, and the fair-share factor it earns: Slurm's classic
/// 2^(-usage/share), where usage is the team's share of all decayed use and share its share of all guarantees
/// (equal shares when nobody has a guarantee).
public struct FairShare: Sendable, Hashable {
    /// Decayed GPU-seconds per team (indices of `Quotas`).
    public private(set) var usage: [Double]
    public private(set) var time: Double?
    public let halfLife: Double

    public init(teams: Int, halfLife: Double) {
        usage = Array(repeating: 0, count: teams)
        self.halfLife = max(1, halfLife)
    }

    /// Moves the clock to `now`: past use decays, and the GPUs each team holds (`quotas`) accrue since the
    /// last call.
    public mutating func advance(to now: Double, quotas: Quotas) {
        advance(to: now, held: quotas.names.indices.map { quotas.guaranteedUse[$0] + quotas.borrowedUse[$0] })
    }

    /// As `advance(to:quotas:)`, with the GPUs each team's running jobs hold given (`SharingState.held`: every
    /// ledger's jobs, each once).
    public mutating func advance(to now: Double, held: [Int]) {
        guard now.isFinite else { return }
        if usage.count != held.count { usage = Array(repeating: 0, count: held.count) }
        guard let last = time else {
            time = now
            return
        }
        let dt = now - last
        guard dt > 0 else { return }
        let decay = Double.power2(-dt / halfLife)
        for t in usage.indices {
            // Held GPUs accrue over dt, themselves decaying from the middle of the interval (only leaf teams
            // run jobs, so an org's count stays 0).
            usage[t] = usage[t] * decay + Double(held[t]) * dt * Double.power2(-dt / (2 * halfLife))
        }
        time = now
    }

    /// Carries past use over (a reload, with teams re-indexed).
    mutating func restore(usage: [Double], time: Double?) {
        if usage.count == self.usage.count { self.usage = usage }
        self.time = time
    }

    /// The factor in 0...1 of each team (1: no use yet, or no use at all by anyone).
    public func factors(quotas: Quotas) -> [Double] {
        var total = 0.0
        var guaranteed = 0
        var leaves = 0
        for t in usage.indices where t < quotas.isLeaf.count && quotas.isLeaf[t] {
            total += usage[t]
            guaranteed += quotas.guarantee[t]
            leaves += 1
        }
        return quotas.names.indices.map { t in
            guard t < usage.count, quotas.isLeaf[t], total > 0 else { return 1 }
            let share = guaranteed > 0 ? Double(quotas.guarantee[t]) / Double(guaranteed) : 1 / Double(leaves)
            let used = usage[t] / total
            guard share > 0 else { return used > 0 ? 0 : 1 }
            return Double.power2(-used / share)
        }
    }
}

extension Double {
    /// 2^x, with infinities mapped to their limits.
    static func power2(_ x: Double) -> Double {
        guard x.isFinite else { return x > 0 ? .infinity : 0 }
        return exp2(x)
    }
}
