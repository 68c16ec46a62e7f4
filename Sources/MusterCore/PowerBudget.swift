/// The `[power]` table of the config: budgets in IT watts for the whole cluster and for every block of a level,
/// and what the rest of each node draws beside its GPUs.
public struct PowerBudget: Sendable, Hashable {
    /// Watts per level name: `cluster` for the whole cluster, or a level of the topology (`leaf`, `spine`).
    public var budgets: [String: Double]
    /// CPUs, memory, NICs and fans of one node (the DGX H100's 4.6 kW by default, `PowerModel.h100`).
    public var nodeOtherWatts: Double

    public init(budgets: [String: Double] = [:], nodeOtherWatts: Double = PowerModel.h100.nodeOtherWatts) {
        self.budgets = budgets
        self.nodeOtherWatts = nodeOtherWatts
    }
}
