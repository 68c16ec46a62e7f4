import MusterCore
import Testing

/// Hot spares: a share of each leaf held back, gangs a failure interrupts restart on them in their own leaf, short
/// jobs may borrow them, and the pool refills from idle and repaired nodes.
@Suite struct SparePoolTests {
    /// Two leaves of 8 nodes (one spine), a quarter of each leaf spare: 2 per leaf.
    static func lifecycle(lend: Seconds = 0) -> Lifecycle {
        Lifecycle(
            cluster: testCluster(leaves: 2, nodesPerLeaf: 8),
            config: LifecycleConfig(retainEnded: false, spares: SparePolicy(share: 0.25, lendLimit: lend)))
    }

    static func submit(_ lifecycle: inout Lifecycle, _ id: JobID, nodes: Int, gpus: Int = 8, limit: Seconds = 86_400)
        throws
    {
        _ = try lifecycle.submit(
            JobSpec(gpus: nodes * gpus, nodes: nodes, gpusPerNode: gpus, timeLimit: limit), id: id, now: 0)
    }

    @Test func aShareOfEachLeafIsHeldBackFromOrdinaryWork() throws {
        var lifecycle = Self.lifecycle()
        let pool = try #require(lifecycle.snapshot?.spares)
        #expect(pool.target == [2, 2] && pool.total == 4)
        #expect(lifecycle.snapshot!.cluster.freeTotal == 12 * 8, "16 nodes, 4 of them spares")
        try Self.submit(&lifecycle, 1, nodes: 12)
        try Self.submit(&lifecycle, 2, nodes: 1, gpus: 1)
        _ = lifecycle.plan(now: 0)
        #expect(lifecycle.placement(of: 1) != nil, "12 nodes fit beside the spares")
        #expect(lifecycle.placement(of: 2) == nil, "a spare takes no ordinary job, however small")
        #expect(lifecycle.isSpare("n0-7") && lifecycle.isSpare("n1-6") && !lifecycle.isSpare("n0-0"))
    }

    @Test func aGangAFailureInterruptsRestartsAtOnceOnASpareOfItsLeaf() throws {
        var lifecycle = Self.lifecycle()
        try Self.submit(&lifecycle, 1, nodes: 6)
        try Self.submit(&lifecycle, 2, nodes: 6)
        _ = lifecycle.plan(now: 0)
        let cluster = lifecycle.snapshot!.cluster
        let before = try #require(lifecycle.placement(of: 1))
        #expect(leaves(of: before, in: cluster).count == 1)
        // A one-node job waits for room: it must not take the failed gang's nodes first.
        try Self.submit(&lifecycle, 3, nodes: 1)
        _ = lifecycle.plan(now: 5)
        #expect(lifecycle.placement(of: 3) == nil)
        let failed = before.nodes[2]
        let hit = lifecycle.nodeFailed(failed, reason: "GPU HBM3 memory", down: true, now: 10)
        #expect(hit == [1])
        let directives = lifecycle.plan(now: 10)
        #expect(directives.contains { if case .assign(1, _) = $0 { true } else { false } })
        let after = try #require(lifecycle.placement(of: 1))
        #expect(!after.nodes.contains(failed))
        #expect(Set(before.nodes).subtracting([failed]).isSubset(of: Set(after.nodes)), "its other nodes kept")
        #expect(leaves(of: after, in: cluster) == leaves(of: before, in: cluster), "the spare is in its leaf")
        #expect(lifecycle.placement(of: 3) == nil, "the interrupted gang went first")
        let pool = try #require(lifecycle.snapshot?.spares)
        #expect(pool.restarts == 1 && pool.total == 3, "the leaf has no idle node to refill with")
        // Repaired, the failed node refills its leaf's pool instead of taking ordinary work.
        lifecycle.nodeRepaired(failed)
        _ = lifecycle.plan(now: 20)
        #expect(lifecycle.snapshot?.spares?.total == 4 && lifecycle.placement(of: 3) == nil)
        #expect(lifecycle.isSpare(cluster.nodeNames[Int(failed)]))
    }

    @Test func aFailedSpareLeavesThePoolAndAnIdleNodeTakesItsPlace() throws {
        var lifecycle = Self.lifecycle()
        try Self.submit(&lifecycle, 1, nodes: 5)
        _ = lifecycle.plan(now: 0)
        let cluster = lifecycle.snapshot!.cluster
        let spare = try #require((0..<cluster.nodeCount).first { lifecycle.isSpare(cluster.nodeNames[$0]) })
        #expect(lifecycle.nodeFailed(Int32(spare), reason: "PSU", down: true, now: 1).isEmpty)
        #expect(!lifecycle.isSpare(cluster.nodeNames[spare]) && lifecycle.snapshot?.spares?.total == 4)
        #expect(lifecycle.snapshot!.cluster.freeTotal == 16 * 8 - 5 * 8 - 4 * 8 - 8, "down, 4 spares, the job")
    }

    @Test func onlyShortOneNodeJobsBorrowSparesAndTheirGPUsGoBackToThePool() throws {
        var lifecycle = Self.lifecycle(lend: 3_600)
        try Self.submit(&lifecycle, 1, nodes: 12)
        try Self.submit(&lifecycle, 2, nodes: 1, gpus: 8, limit: 7_200)
        try Self.submit(&lifecycle, 3, nodes: 1, gpus: 4, limit: 1_800)
        _ = lifecycle.plan(now: 0)
        #expect(lifecycle.placement(of: 1) != nil)
        #expect(lifecycle.placement(of: 2) == nil, "its time limit is past the lend limit")
        let lent = try #require(lifecycle.placement(of: 3))
        let cluster = lifecycle.snapshot!.cluster
        #expect(lifecycle.isSpare(cluster.nodeNames[Int(lent.nodes[0])]))
        #expect(lifecycle.snapshot!.spares!.lent == 1 && cluster.freeTotal == 0)
        let epoch = try #require(lifecycle.jobs[3]?.attempt?.epoch)
        _ = lifecycle.attemptExited(3, epoch: epoch, exitCode: 0, reason: nil, now: 100)
        #expect(lifecycle.snapshot!.cluster.freeTotal == 0, "the borrower's GPUs went back to the pool")
        #expect(lifecycle.snapshot!.spares!.heldMask[Int(lent.nodes[0])] == 0xFF)
    }

    @Test func theSparesTableIsReadFromTheConfig() throws {
        let policy = try SharingConfigFile.parse("[spares]\nshare = 0.0625\nlend_limit = 3600\n")
        #expect(policy.spares == SparePolicy(share: 0.0625, lendLimit: 3_600))
        #expect(throws: ConfigFileError.self) { try SharingConfigFile.parse("[spares]\nshare = 0.9\n") }
        #expect(throws: ConfigFileError.self) { try SharingConfigFile.parse("[spares]\nspares = 2\n") }
    }
}
