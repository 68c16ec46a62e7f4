/// Power budgets as a schedulable resource: the modelled IT draw of every topology block, kept as jobs start and
/// end, and the budgets a start must stay within (the whole cluster, and every block of a level: a leaf, a spine).
///
/// A block's draw is its nodes' other parts and idle GPUs, plus, for each GPU a job holds, the step from idle to
/// the GPU's maximum: synchronous training moves a whole gang to peak together, so budgets are held against the
/// worst case. Part of `SharingState` when the config has a `[power]` table.
public struct PowerState: Sendable {
    /// Watts per block (indices of the cluster's blocks).
    public private(set) var draw: [Double]
    /// Budget per block in watts (`.infinity`: none).
    public let budget: [Double]
    /// What one GPU of each model adds when it goes from idle to work.
    let step: [Double]

    /// `levelBudgets`: watts per level name (`leaf`, `spine`, `cluster` for the whole cluster).
    public init(cluster: Cluster, nodeOtherWatts: Double, levelBudgets: [String: Double]) {
        var draw = [Double](repeating: 0, count: cluster.blockCount)
        for node in 0..<cluster.nodeCount {
            let model = cluster.gpuModels[Int(cluster.nodeModel[node])]
            let watts = nodeOtherWatts + Double(cluster.nodeGPUs[node]) * Double(model.idleWatts)
            var b = Int(cluster.nodeBlock[node])
            while b >= 0 {
                draw[b] += watts
                b = Int(cluster.blockParent[b])
            }
        }
        self.draw = draw
        budget = (0..<cluster.blockCount).map { b in
            levelBudgets[cluster.levelNames[Int(cluster.blockLevel[b])]] ?? .infinity
        }
        step = cluster.gpuModels.map { Double(max(0, $0.maxWatts - $0.idleWatts)) }
    }

    /// The watts `placement` adds to each block it touches, children before parents.
    func added(by placement: Placement, in cluster: Cluster) -> [(block: Int, watts: Double)] {
        var out: [(block: Int, watts: Double)] = []
        for i in placement.nodes.indices {
            let node = Int(placement.nodes[i])
            let watts = Double(placement.gpuMasks[i].nonzeroBitCount) * step[Int(cluster.nodeModel[node])]
            var b = Int(cluster.nodeBlock[node])
            while b >= 0 {
                if let k = out.firstIndex(where: { $0.block == b }) {
                    out[k].watts += watts
                } else {
                    out.append((b, watts))
                }
                b = Int(cluster.blockParent[b])
            }
        }
        return out
    }

    /// Why starting a job on `placement` would break a budget (the lowest block it would), or nil.
    public func refusal(_ placement: Placement, in cluster: Cluster) -> (block: Int, reason: WaitReason)? {
        for (b, watts) in added(by: placement, in: cluster) where draw[b] + watts > budget[b] {
            let level = Int(cluster.blockLevel[b])
            let name =
                b == cluster.root
                ? "the cluster" : "\(cluster.levelNames[level]) #\(b - cluster.levelBlocks[level].lowerBound)"
            return (b, .overPowerBudget(block: name, budgetWatts: budget[b], drawWatts: draw[b], jobWatts: watts))
        }
        return nil
    }

    /// A job on `placement` started (`sign` 1) or ended (-1).
    public mutating func account(_ placement: Placement, in cluster: Cluster, _ sign: Double) {
        for (b, watts) in added(by: placement, in: cluster) { draw[b] += sign * watts }
    }
}
