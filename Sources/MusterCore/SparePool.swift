/// The hot spares of one cluster (`SparePolicy`): which nodes are spares, the GPUs the pool holds back on each,
/// and the interrupted gangs that may restart on them.
///
/// The pool holds a spare's idle GPUs as allocated in the `Cluster`, so ordinary placement never sees them and
/// costs nothing more. A spare taken by a restart leaves the pool; the pool refills a leaf that is short from its
/// nodes that become wholly idle (a job ending there, a repaired node). A lent spare stays in the pool: the GPUs
/// its borrower frees come back to the pool, not to the cluster.
public struct SparePool: Sendable {
    public let policy: SparePolicy
    /// Spares each leaf block keeps, by leaf block id.
    public let target: [Int32]
    /// Spares each leaf block has now, idle or lent.
    public private(set) var count: [Int32]
    /// Whether each node is a spare.
    public private(set) var member: [Bool]
    /// The GPUs the pool holds back on each spare (all of an idle spare's; fewer while some are lent).
    public private(set) var heldMask: [UInt64]
    /// Nodes out of service (failed, not yet repaired): never made spares.
    public private(set) var out: [Bool]
    /// Jobs interrupted by a failure that may restart on spares, with the nodes of their interrupted attempt.
    public var claims: [JobID: [Int32]] = [:]
    /// Gangs restarted on spares, and jobs started on lent spare GPUs, since the pool was made.
    public internal(set) var restarts = 0
    public internal(set) var lent = 0

    /// Picks each leaf's spares among its wholly idle nodes and holds them: the `preferred` ones first (the spares
    /// of the view this one replaces), then the last nodes of the leaf, never an `avoided` one (a gang waiting to
    /// restart on it).
    /// - Complexity: O(nodes).
    public init(policy: SparePolicy, cluster: inout Cluster, preferred: [Int32] = [], avoided: [Int32] = []) {
        self.policy = policy
        let leaves = cluster.levelBlocks[0]
        target = Self.targets(policy, cluster)
        count = [Int32](repeating: 0, count: leaves.count)
        member = [Bool](repeating: false, count: cluster.nodeCount)
        heldMask = [UInt64](repeating: 0, count: cluster.nodeCount)
        out = [Bool](repeating: false, count: cluster.nodeCount)
        for node in avoided where node >= 0 && Int(node) < cluster.nodeCount { out[Int(node)] = true }
        for node in preferred where node >= 0 && Int(node) < cluster.nodeCount {
            let l = Int(cluster.nodeBlock[Int(node)]) - leaves.lowerBound
            if count[l] < target[l] { _ = hold(Int(node), leaf: l, cluster: &cluster) }
        }
        for leaf in leaves { refill(leaf: leaf, cluster: &cluster) }
        for node in avoided where node >= 0 && Int(node) < cluster.nodeCount { out[Int(node)] = false }
    }

    /// Spares each leaf block of `cluster` keeps under `policy`: whole nodes, the shares left over carried from leaf
    /// to leaf.
    public static func targets(_ policy: SparePolicy, _ cluster: Cluster) -> [Int32] {
        let leaves = cluster.levelBlocks[0]
        var target = [Int32](repeating: 0, count: leaves.count)
        var carried = 0.0
        for leaf in leaves {
            let nodes = Double(cluster.blockNodeEnd[leaf] - cluster.blockNodeStart[leaf])
            let due = (carried + nodes * policy.share + 1e-9).rounded(.down)
            target[leaf - leaves.lowerBound] = Int32(due)
            carried += nodes * policy.share - due
        }
        return target
    }

    /// Spares in the whole cluster, idle or lent.
    public var total: Int { count.reduce(0) { $0 + Int($1) } }

    /// Whether node `node` is a spare with all its GPUs held (no borrower on it).
    @inline(__always) public func isIdle(_ node: Int32, in cluster: Cluster) -> Bool {
        member[Int(node)] && heldMask[Int(node)] == cluster.capacityMask(Int(node))
    }

    /// Makes wholly idle nodes of leaf block `leaf` spares until it has its share, or, beyond it, until the leaves
    /// under the same parent block have theirs together (a restart took a spare from a neighbour leaf that has no
    /// idle node to refill with), or it has no idle node left.
    /// - Complexity: O(nodes of the leaf + leaves under its parent).
    public mutating func refill(leaf: Int, cluster: inout Cluster) {
        let l = leaf - cluster.levelBlocks[0].lowerBound
        guard l >= 0, l < target.count else { return }
        var missing = Int(target[l] - count[l])
        let parent = Int(cluster.blockParent[leaf])
        if missing <= 0, parent >= 0, parent != cluster.root {
            let first = Int(cluster.blockChildStart[parent]) - cluster.levelBlocks[0].lowerBound
            let end = Int(cluster.blockChildEnd[parent]) - cluster.levelBlocks[0].lowerBound
            for sibling in first..<end { missing += Int(target[sibling] - count[sibling]) }
        }
        guard missing > 0 else { return }
        var node = Int(cluster.blockNodeEnd[leaf]) - 1
        while node >= Int(cluster.blockNodeStart[leaf]) && missing > 0 {
            if hold(node, leaf: l, cluster: &cluster) { missing -= 1 }
            node -= 1
        }
    }

    /// Makes node `node` (of leaf index `l`) a spare if it may be one and is wholly idle: true if it did.
    private mutating func hold(_ node: Int, leaf l: Int, cluster: inout Cluster) -> Bool {
        let all = cluster.capacityMask(node)
        guard !member[node], !out[node], all != 0, cluster.freeMask[node] == all,
            cluster.freeCPUs[node] == cluster.nodeCPUs[node]
        else { return false }
        cluster.allocate(Placement(nodes: [Int32(node)], gpuMasks: [all]))
        member[node] = true
        heldMask[node] = all
        count[l] += 1
        return true
    }

    /// After a job's placement was given back: GPUs it freed on spares go back to the pool; a leaf short of
    /// spares takes its newly idle nodes, unless `refilling` is false (a gang about to restart on them).
    /// - Complexity: O(nodes of the placement), plus O(leaf) for each leaf that is short.
    public mutating func released(_ placement: Placement, refilling: Bool = true, cluster: inout Cluster) {
        var lastLeaf = -1
        for node in placement.nodes {
            let n = Int(node)
            if member[n] {
                let free = cluster.freeMask[n] & ~heldMask[n]
                if free != 0 {
                    cluster.allocate(Placement(nodes: [node], gpuMasks: [free]))
                    heldMask[n] |= free
                }
                continue
            }
            guard refilling else { continue }
            let leaf = Int(cluster.nodeBlock[n])
            if leaf != lastLeaf {
                lastLeaf = leaf
                refill(leaf: leaf, cluster: &cluster)
            }
        }
    }

    /// Takes idle spare `node` out of the pool, its GPUs free again (a restart is about to use it, or it failed).
    /// The leaf is not refilled here: call `refill` once the node is in use.
    public mutating func take(_ node: Int32, cluster: inout Cluster) {
        let n = Int(node)
        guard member[n] else { return }
        if heldMask[n] != 0 { cluster.release(Placement(nodes: [node], gpuMasks: [heldMask[n]])) }
        member[n] = false
        heldMask[n] = 0
        count[Int(cluster.nodeBlock[n]) - cluster.levelBlocks[0].lowerBound] -= 1
    }

    /// Node `node` failed: it leaves the pool (its held GPUs free in the cluster for the caller to hold as down)
    /// and is never picked until `repaired`.
    public mutating func failed(_ node: Int32, cluster: inout Cluster) {
        take(node, cluster: &cluster)
        out[Int(node)] = true
    }

    /// Node `node` is back: it may be picked again, and is, if its leaf is short and it is wholly idle.
    public mutating func repaired(_ node: Int32, cluster: inout Cluster) {
        out[Int(node)] = false
        refill(leaf: Int(cluster.nodeBlock[Int(node)]), cluster: &cluster)
    }

    /// Gives `mask` of spare `node`'s held GPUs to a borrower (they are free in the cluster on return).
    public mutating func lend(_ mask: UInt64, of node: Int32, cluster: inout Cluster) {
        let n = Int(node)
        guard member[n], heldMask[n] & mask == mask else { return }
        cluster.release(Placement(nodes: [node], gpuMasks: [mask]))
        heldMask[n] &= ~mask
        lent += 1
    }
}
