import MusterCore
import PropertyBased
import Testing

@Suite struct PendingQueueTests {
    static func job(_ id: JobID, priority: Int = 100, submit: Seconds = 0) -> PendingJob {
        PendingJob(
            id: id, shape: GangShape(nodes: 1, gpusPerNode: 1), priority: priority, submitTime: submit, timeLimit: 60)
    }

    static func walked(_ queue: PendingQueue) -> [JobID] {
        var walk = PendingQueue.Walk()
        var out: [JobID] = []
        while let job = walk.next(in: queue) { out.append(job.id) }
        return out
    }

    /// Random appends and removals: a walk always yields exactly the queued jobs, in key order.
    @Test func aWalkYieldsEveryQueuedJobInKeyOrderWhateverWasRemoved() async {
        let input = Gen.int(in: 0...9_999).array(of: 1...300)
        await propertyCheck(count: 100, input: input) { seeds in
            var queue = PendingQueue()
            var model: [JobID: PendingJob] = [:]
            for (i, s) in seeds.enumerated() {
                if s % 4 == 0, let victim = model.keys.sorted().dropFirst(s % max(1, model.count)).first {
                    #expect(queue.remove(victim)?.id == victim)
                    model.removeValue(forKey: victim)
                } else {
                    let job = Self.job(JobID(i), priority: (s % 3) * 100, submit: Seconds(s % 50))
                    queue.append(job)
                    model[job.id] = job
                }
                if s % 7 == 0 { queue.order(all: s % 5 == 0, kind: 2, at: 0) { (-Int64($0.priority), 0) } }
            }
            queue.order(all: false, kind: 2, at: 0) { (-Int64($0.priority), 0) }
            let expected = model.values.sorted { a, b in
                (-a.priority, a.submitTime, a.id) < (-b.priority, b.submitTime, b.id)
            }.map(\.id)
            #expect(Self.walked(queue) == expected)
            #expect(queue.count == model.count && Set(queue.map(\.id)) == Set(model.keys))
        }
    }

    @Test func aNewOrderKindReKeysEveryJob() {
        var queue = PendingQueue([Self.job(1, priority: 0, submit: 5), Self.job(2, priority: 200, submit: 9)])
        queue.order(all: false, kind: 2, at: 0) { (-Int64($0.priority), 0) }
        #expect(Self.walked(queue) == [2, 1])
        queue.order(all: false, kind: 1, at: 0) { _ in (0, 0) }
        #expect(Self.walked(queue) == [1, 2], "fifo: by submit time")
    }

    /// A backfill pass examines at most its depth of jobs behind the reservation and says so for the rest.
    @Test func backfillStopsAtItsDepthAndSaysWhy() {
        var snapshot = Snapshot(cluster: testCluster(leaves: 1, nodesPerLeaf: 1))
        snapshot.start(Self.job(100), on: Placement(nodes: [0], gpuMasks: [0xFF]), at: 0)
        snapshot.pending = PendingQueue(
            [PendingJob(id: 1, shape: GangShape(nodes: 1, gpusPerNode: 8), submitTime: 0, timeLimit: 60)]
                + (2...10).map { Self.job(JobID($0), submit: Seconds($0)) })
        var reasons: [JobID: WaitReason]? = [:]
        _ = Scheduler(policy: .backfill, backfillDepth: 3).plan(&snapshot, now: 1, reasons: &reasons)
        #expect(reasons?[4] != .beyondBackfillDepth(3))
        #expect(reasons?[5] == .beyondBackfillDepth(3) && reasons?[10] == .beyondBackfillDepth(3))
        #expect(snapshot.backfillSkipped == 6)
    }
}
