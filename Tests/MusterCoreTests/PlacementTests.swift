import MusterCore
import PropertyBased
import Testing

@Suite struct PlacementTests {
    @Test func gangsAreNeverSplitOrPartiallyPlaced() async {
        await propertyCheck(count: 200, input: Gen.int(in: 0...999).array(of: 1...150)) { ops in
            var cluster = testCluster(leaves: 4, nodesPerLeaf: 4)
            var held: [(Placement, GangShape)] = []
            for op in ops {
                if op % 4 == 0, !held.isEmpty {
                    let (placement, _) = held.remove(at: op % held.count)
                    cluster.release(placement)
                    continue
                }
                let shape = testShapes[op % testShapes.count]
                let before = cluster.freeMask
                guard let placement = cluster.findPlacement(shape) else {
                    #expect(cluster.freeMask == before)
                    continue
                }
                #expect(placement.nodes.count == shape.nodes)
                #expect(Set(placement.nodes).count == shape.nodes)
                for (i, node) in placement.nodes.enumerated() {
                    #expect(placement.gpuMasks[i].nonzeroBitCount == shape.gpusPerNode)
                    #expect(before[Int(node)] & placement.gpuMasks[i] == placement.gpuMasks[i])
                }
                cluster.allocate(placement)
                held.append((placement, shape))
            }
            let running = held.enumerated().map { i, h in
                RunningJob(id: JobID(i), placement: h.0, startTime: 0, expectedEnd: 1)
            }
            #expect(cluster.invariantViolations(running: running).isEmpty)
        }
    }

    @Test func placementFailsOnlyWhenNoBlockHasRoom() async {
        await propertyCheck(count: 100, input: Gen.int(in: 0...999).array(of: 1...80)) { ops in
            var cluster = testCluster(leaves: 3, nodesPerLeaf: 4)
            for op in ops {
                let shape = testShapes[op % testShapes.count]
                if let placement = cluster.findPlacement(shape) {
                    cluster.allocate(placement)
                } else {
                    // Brute force: are there enough nodes with room anywhere?
                    let roomy = (0..<cluster.nodeCount).filter { Int(cluster.freeGPUs[$0]) >= shape.gpusPerNode }
                    #expect(roomy.count < shape.nodes)
                }
            }
        }
    }

    /// Two leaves of H100 nodes and two of A100 nodes, interleaved with a mixed leaf: a gang that asks for a model
    /// lands only on nodes of that model, and fails only when that model's nodes have no room; the per-model
    /// counts stay right through any sequence of starts and ends.
    @Test func aGangThatAsksForAModelLandsOnlyOnItsNodes() async {
        var nodes: [ClusterLayout.NodeSpec] = []
        for leaf in 0..<5 {
            for i in 0..<4 {
                let model = leaf == 4 ? i % 2 : leaf % 2
                nodes.append(.init(name: "n\(leaf)-\(i)", gpus: 8, gpuModel: model, path: [leaf, leaf / 2]))
            }
        }
        let layout = ClusterLayout(
            gpuModels: [.h100, GPUModel(name: "A100", memoryGiB: 80, maxWatts: 400, idleWatts: 50)],
            levelNames: ["leaf", "spine"], nodes: nodes)
        let empty = try! Cluster(layout: layout)
        await propertyCheck(count: 100, input: Gen.int(in: 0...999).array(of: 1...120)) { ops in
            var cluster = empty
            var held: [Placement] = []
            for op in ops {
                if op % 5 == 0, !held.isEmpty {
                    cluster.release(held.remove(at: op % held.count))
                    continue
                }
                let shape = testShapes[op % testShapes.count]
                let model = (op / 7) % 3 == 2 ? nil : (op / 7) % 3
                guard let placement = cluster.findPlacement(shape, model: model) else {
                    if let model, shape.nodes == 1 {
                        #expect(
                            !(0..<cluster.nodeCount).contains {
                                Int(cluster.nodeModel[$0]) == model && Int(cluster.freeGPUs[$0]) >= shape.gpusPerNode
                            })
                    }
                    continue
                }
                if let model {
                    #expect(placement.nodes.allSatisfy { Int(cluster.nodeModel[Int($0)]) == model })
                }
                cluster.allocate(placement)
                held.append(placement)
            }
            #expect(cluster.invariantViolations(running: []).filter { "\($0)".contains("capacity") }.isEmpty)
            for model in 0..<2 {
                let free = (0..<cluster.nodeCount).filter {
                    Int(cluster.nodeModel[$0]) == model && cluster.freeGPUs[$0] >= 8
                }.count
                #expect(cluster.nodesWithFree(atLeast: 8, in: cluster.root, model: model) == free)
            }
        }
    }

    @Test func sixtyFourGPUJobLandsInOneLeafWhenOneHasRoom() {
        var cluster = testCluster(leaves: 4, nodesPerLeaf: 8)
        // Leave every leaf with some busy GPUs except leaf 2, which keeps all 8 nodes free; scatter one-GPU jobs.
        for leaf in [0, 1, 3] {
            let node = Int32(leaf * 8)
            cluster.allocate(Placement(nodes: [node], gpuMasks: [1]))
        }
        let placement = cluster.findPlacement(GangShape(nodes: 8, gpusPerNode: 8))
        #expect(placement != nil)
        if let placement {
            #expect(leaves(of: placement, in: cluster).count == 1)
            #expect(cluster.nodeBlock[Int(placement.nodes[0])] == 2)
        }
    }

    @Test func gangPrefersTheFullestLeafThatFits() {
        var cluster = testCluster(leaves: 4, nodesPerLeaf: 8)
        // Leaf 1 has exactly 4 free nodes, leaf 0 has 6, others 8: a 4-node gang should take leaf 1 (best fit).
        for node in 8..<12 { cluster.allocate(Placement(nodes: [Int32(node)], gpuMasks: [0xFF])) }
        for node in 0..<2 { cluster.allocate(Placement(nodes: [Int32(node)], gpuMasks: [0xFF])) }
        let placement = cluster.findPlacement(GangShape(nodes: 4, gpusPerNode: 8))!
        #expect(leaves(of: placement, in: cluster) == [1])
    }

    @Test func gangThatFitsNoLeafStaysInOneSpine() {
        var cluster = testCluster(leaves: 4, nodesPerLeaf: 4, leavesPerSpine: 2)
        // Each leaf has 3 free nodes: a 6-node gang must span two leaves of the same spine, not two spines.
        for leaf in 0..<4 { cluster.allocate(Placement(nodes: [Int32(leaf * 4)], gpuMasks: [0xFF])) }
        let placement = cluster.findPlacement(GangShape(nodes: 6, gpusPerNode: 8))!
        let spines = Set(leaves(of: placement, in: cluster).map { cluster.blockParent[Int($0)] })
        #expect(spines.count == 1)
        #expect(leaves(of: placement, in: cluster).count == 2)
    }

    @Test func singleGPUJobsFillPartlyUsedNodesFirst() {
        var cluster = testCluster(leaves: 1, nodesPerLeaf: 4)
        cluster.allocate(Placement(nodes: [2], gpuMasks: [0b0011_1111]))
        let placement = cluster.findPlacement(GangShape(nodes: 1, gpusPerNode: 2))!
        #expect(placement.nodes == [2])
        #expect(placement.gpuMasks == [0b1100_0000])
    }

    @Test func invariantCheckerCatchesPlantedDoubleBooking() {
        var cluster = testCluster(leaves: 2, nodesPerLeaf: 2)
        let placement = cluster.findPlacement(GangShape(nodes: 2, gpusPerNode: 4))!
        cluster.allocate(placement)
        let first = RunningJob(id: 1, placement: placement, startTime: 0, expectedEnd: 10)
        let second = RunningJob(id: 2, placement: placement, startTime: 0, expectedEnd: 10)
        #expect(cluster.invariantViolations(running: [first]).isEmpty)
        let problems = cluster.invariantViolations(running: [first, second])
        #expect(problems.contains { if case .doubleBooked(_, _, 2) = $0 { true } else { false } })
    }

    @Test func invariantCheckerCatchesGPUsHeldButCountedFree() {
        let cluster = testCluster(leaves: 1, nodesPerLeaf: 2)
        let ghost = RunningJob(
            id: 7, placement: Placement(nodes: [0], gpuMasks: [1]), startTime: 0, expectedEnd: 10)
        let problems = cluster.invariantViolations(running: [ghost])
        #expect(problems.contains { if case .heldAndFree(_, _, 7) = $0 { true } else { false } })
    }

    @Test func blockFreeCountsEqualTheSumOfTheirChildren() {
        var cluster = testCluster(leaves: 4, nodesPerLeaf: 3)
        cluster.allocate(cluster.findPlacement(GangShape(nodes: 5, gpusPerNode: 8))!)
        cluster.allocate(cluster.findPlacement(GangShape(nodes: 1, gpusPerNode: 3))!)
        for b in 0..<cluster.blockCount where cluster.blockLevel[b] > 0 {
            let children = Int(cluster.blockChildStart[b])..<Int(cluster.blockChildEnd[b])
            #expect(children.reduce(Int64(0)) { $0 + cluster.blockFree[$1] } == cluster.blockFree[b])
        }
        #expect(cluster.blockFree[cluster.root] == Int64(cluster.freeTotal))
        #expect(cluster.freeTotal == 96 - 43)
    }
}
