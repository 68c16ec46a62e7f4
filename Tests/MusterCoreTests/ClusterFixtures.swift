import MusterCore

/// Small clusters for tests: `leaves` leaf blocks of `nodesPerLeaf` nodes, grouped `leavesPerSpine` to a spine.
func testCluster(leaves: Int, nodesPerLeaf: Int, leavesPerSpine: Int = 2, gpusPerNode: Int = 8) -> Cluster {
    var nodes: [ClusterLayout.NodeSpec] = []
    for leaf in 0..<leaves {
        for i in 0..<nodesPerLeaf {
            nodes.append(
                .init(name: "n\(leaf)-\(i)", gpus: gpusPerNode, path: [leaf, leaf / leavesPerSpine]))
        }
    }
    return try! Cluster(layout: ClusterLayout(gpuModels: [.h100], levelNames: ["leaf", "spine"], nodes: nodes))
}

/// The leaf block each node of `placement` sits in.
func leaves(of placement: Placement, in cluster: Cluster) -> Set<Int32> {
    Set(placement.nodes.map { cluster.nodeBlock[Int($0)] })
}

/// Gang shapes used by property tests.
let testShapes: [GangShape] = [
    GangShape(nodes: 1, gpusPerNode: 1), GangShape(nodes: 1, gpusPerNode: 2), GangShape(nodes: 1, gpusPerNode: 4),
    GangShape(nodes: 1, gpusPerNode: 8), GangShape(nodes: 2, gpusPerNode: 8), GangShape(nodes: 4, gpusPerNode: 8),
    GangShape(nodes: 2, gpusPerNode: 4), GangShape(nodes: 8, gpusPerNode: 8), GangShape(nodes: 3, gpusPerNode: 6),
    GangShape(nodes: 16, gpusPerNode: 8),
]
