import MusterCore
import Testing

/// `muster why`: the reasons the planning pass that decided gives for each job left in the queue.
@Suite struct WaitReasonTests {
    typealias T = LifecycleTests

    static func submit(_ life: inout Lifecycle, gpus: Int, time: Seconds) throws -> JobID {
        try life.submit(JobSpec(gpus: gpus, timeLimit: time), owner: "alice", now: 0).id
    }

    @Test func backfillSaysReservedNoRoomAndWouldDelay() throws {
        var life = try T.live(["gpu-a"])
        let running = try Self.submit(&life, gpus: 6, time: 100)
        _ = life.plan(now: 0)
        let head = try Self.submit(&life, gpus: 8, time: 100)
        let long = try Self.submit(&life, gpus: 2, time: 1_000)
        let short = try Self.submit(&life, gpus: 2, time: 50)
        _ = life.plan(now: 10)
        #expect(life.jobs[running]?.state == .running && life.jobs[short]?.state == .running, "short one backfilled")
        #expect(life.waits[head] == .reserved(at: 100))
        #expect(life.why(head)?.hasPrefix("next in line: GPUs are reserved for it; it starts within 1m30s") == true)
        #expect(life.waits[long] == .wouldDelay(job: head, at: 100))
        #expect(life.why(long)?.contains("reserved for job \(head)") == true)
        #expect(life.why(running) == nil, "only pending jobs wait")

        // Another 2-GPU long job finds nothing free at all now.
        let more = try Self.submit(&life, gpus: 4, time: 1_000)
        _ = life.plan(now: 11)
        #expect(life.waits[more] == .noRoom(needs: GangShape(nodes: 1, gpusPerNode: 4), free: 0, largestOnANode: 0))
        #expect(
            life.why(more)
                == "no room: it needs 1 node(s) with 4 free GPUs each; 0 GPUs are free, at most 0 on one node")
    }

    @Test func firstComeOrderSaysWhichJobItWaitsBehind() throws {
        var config = T.config
        config.policy = .fifo
        var life = Lifecycle(config: config)
        _ = try life.register(T.inventory("gpu-a"), now: 0)
        _ = try Self.submit(&life, gpus: 6, time: 100)
        let big = try Self.submit(&life, gpus: 4, time: 100)
        let small = try Self.submit(&life, gpus: 1, time: 100)
        _ = life.plan(now: 0)
        #expect(life.jobs[small]?.state == .pending, "fifo does not jump the queue")
        #expect(life.waits[big] == .noRoom(needs: GangShape(nodes: 1, gpusPerNode: 4), free: 2, largestOnANode: 2))
        #expect(life.waits[small] == .behind(job: big))
    }

    @Test func heldJobsSayWhatHoldsThem() throws {
        var life = try T.live(["gpu-a"])
        let first = try Self.submit(&life, gpus: 1, time: 100)
        let second = try life.submit(
            JobSpec(gpus: 1, timeLimit: 100), owner: "alice", dependencies: [JobDependency(.afterany, first)], now: 0
        ).id
        _ = life.plan(now: 0)
        #expect(life.why(second) == "waiting on dependency afterany:\(first): job \(first) to end")
    }

    @Test func theSimulatorAsksForNoReasons() throws {
        let cluster = testCluster(leaves: 1, nodesPerLeaf: 2)
        var quiet = Lifecycle(cluster: cluster, config: LifecycleConfig(retainEnded: false, explainWaits: false))
        var told = Lifecycle(cluster: cluster, config: LifecycleConfig(retainEnded: false))
        for id: JobID in [0, 1] {
            _ = try quiet.submit(JobSpec(gpus: 16, timeLimit: 60), id: id, now: 0)
            _ = try told.submit(JobSpec(gpus: 16, timeLimit: 60), id: id, now: 0)
        }
        #expect(quiet.plan(now: 0) == told.plan(now: 0), "reasons never change what is decided")
        #expect(quiet.waits.isEmpty)
        #expect(told.waits == [1: .reserved(at: 60)])
    }
}
