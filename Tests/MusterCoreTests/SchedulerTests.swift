import MusterCore
import PropertyBased
import Testing

@Suite struct SchedulerTests {
    func pending(_ id: JobID, _ shape: GangShape, submit: Seconds = 0, limit: Seconds = 100, priority: Int = 100)
        -> PendingJob
    {
        PendingJob(id: id, shape: shape, priority: priority, submitTime: submit, timeLimit: limit)
    }

    @Test func fifoBlocksBehindTheFirstJobThatCannotStart() {
        let cluster = testCluster(leaves: 1, nodesPerLeaf: 2)
        var snapshot = Snapshot(
            cluster: cluster,
            pending: [
                pending(1, GangShape(nodes: 1, gpusPerNode: 8), submit: 0),
                pending(2, GangShape(nodes: 2, gpusPerNode: 8), submit: 1),
                pending(3, GangShape(nodes: 1, gpusPerNode: 1), submit: 2),
            ])
        let decisions = Scheduler(policy: .fifo).plan(&snapshot, now: 5)
        #expect(decisions.map(\.jobID) == [1])
        #expect(snapshot.pending.map(\.id) == [2, 3])
    }

    @Test func priorityServesHigherClassesFirstThenAge() {
        let cluster = testCluster(leaves: 1, nodesPerLeaf: 1)
        let snapshot = Snapshot(
            cluster: cluster,
            pending: [
                pending(1, GangShape(nodes: 1, gpusPerNode: 4), submit: 0, priority: 0),
                pending(2, GangShape(nodes: 1, gpusPerNode: 4), submit: 5, priority: 200),
                pending(3, GangShape(nodes: 1, gpusPerNode: 4), submit: 1, priority: 200),
            ])
        let decisions = Scheduler(policy: .priority).plan(snapshot, now: 10)
        #expect(decisions.map(\.jobID) == [3, 2])
    }

    @Test func backfillStartsAShortJobButNotALongOneOnReservedGPUs() {
        var snapshot = Snapshot(cluster: testCluster(leaves: 1, nodesPerLeaf: 2))
        // Node 0 busy until t=100; node 1 half busy until t=50.
        let a = pending(10, GangShape(nodes: 1, gpusPerNode: 8), limit: 100)
        snapshot.start(a, on: Placement(nodes: [0], gpuMasks: [0xFF]), at: 0)
        let b = pending(11, GangShape(nodes: 1, gpusPerNode: 4), limit: 50)
        snapshot.start(b, on: Placement(nodes: [1], gpuMasks: [0x0F]), at: 0)
        // Head wants both nodes whole: reserved at t=100. A long 4-GPU job must wait; a short one may go.
        snapshot.pending = [
            pending(1, GangShape(nodes: 2, gpusPerNode: 8), submit: 1),
            pending(2, GangShape(nodes: 1, gpusPerNode: 4), submit: 2, limit: 500),
            pending(3, GangShape(nodes: 1, gpusPerNode: 4), submit: 3, limit: 90),
        ]
        let decisions = Scheduler(policy: .backfill).plan(&snapshot, now: 10)
        #expect(decisions.count == 2)
        if case .reserve(1, let at, _) = decisions[0] { #expect(at == 100) } else { Issue.record("\(decisions)") }
        if case .start(3, _) = decisions[1] {} else { Issue.record("\(decisions)") }
        #expect(snapshot.pending.map(\.id) == [1, 2])
    }

    @Test func planIsDeterministicAndLeavesTheSnapshotAlone() {
        var snapshot = Snapshot(cluster: testCluster(leaves: 2, nodesPerLeaf: 3))
        snapshot.pending = PendingQueue((0..<20).map { pending(JobID($0), testShapes[$0 % 6], submit: Seconds($0)) })
        let scheduler = Scheduler(policy: .backfill)
        let first = scheduler.plan(snapshot, now: 50)
        let second = scheduler.plan(snapshot, now: 50)
        #expect(first == second)
        #expect(snapshot.pending.count == 20)
        #expect(snapshot.cluster.freeTotal == 48)
    }

    /// Replays random jobs (runtime within the time limit) under backfill and checks that every job started no
    /// later than the first reservation it was given.
    @Test func backfillNeverDelaysTheReservation() async {
        let input = Gen.int(in: 0...9_999).array(of: 5...60)
        await propertyCheck(count: 150, input: input) { seeds in
            var snapshot = Snapshot(cluster: testCluster(leaves: 2, nodesPerLeaf: 4))
            var runtime: [JobID: Seconds] = [:]
            var arrivals: [PendingJob] = []
            for (i, s) in seeds.enumerated() {
                let shape = testShapes[s % 8]
                let limit = Seconds(10 + (s / 8) % 200)
                runtime[JobID(i)] = max(1, limit - Seconds((s / 7) % 20))
                arrivals.append(pending(JobID(i), shape, submit: Seconds(i * ((s % 3) + 1)), limit: limit))
            }
            arrivals.sort { $0.submitTime != $1.submitTime ? $0.submitTime < $1.submitTime : $0.id < $1.id }
            var promised: [JobID: Seconds] = [:]
            var started: [JobID: Seconds] = [:]
            var ends: [(Seconds, JobID)] = []
            var next = 0
            let scheduler = Scheduler(policy: .backfill)
            while next < arrivals.count || !ends.isEmpty {
                let now = min(next < arrivals.count ? arrivals[next].submitTime : .max, ends.map(\.0).min() ?? .max)
                for (t, id) in ends where t == now { snapshot.finish(id) }
                ends.removeAll { $0.0 == now }
                while next < arrivals.count && arrivals[next].submitTime == now {
                    snapshot.pending.append(arrivals[next])
                    next += 1
                }
                for decision in scheduler.plan(&snapshot, now: now) {
                    switch decision {
                    case .start(let id, _):
                        started[id] = now
                        ends.append((now + runtime[id]!, id))
                    case .reserve(let id, let at, _):
                        if promised[id] == nil { promised[id] = at }
                    case .preempt:
                        Issue.record("no sharing, no preemption")
                    }
                }
                #expect(snapshot.cluster.invariantViolations(running: snapshot.running.sortedByID).isEmpty)
            }
            for (id, at) in promised {
                #expect(started[id]! <= at, "job \(id) promised \(at), started \(started[id]!)")
            }
            #expect(started.count == arrivals.count)
        }
    }
}
