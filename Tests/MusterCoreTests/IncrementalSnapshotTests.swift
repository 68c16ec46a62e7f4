import Testing

@testable import MusterCore

/// A node going down, drained, resumed or back up changes the scheduler's snapshot in place (`Snapshot.withdraw`,
/// `restore`) instead of rebuilding it from every node; after any mix of those and of jobs starting and ending,
/// the snapshot is the one a full rebuild gives.
@Suite struct IncrementalSnapshotTests {
    static let root = Principal(user: "root", admin: true)

    /// Each node's free GPUs (counting a spare's held GPUs as free: which idle node of a leaf is the spare is
    /// the pool's choice), CPUs and memory, by name.
    static func free(_ life: Lifecycle) -> [String: [Int]] {
        guard let cluster = life.snapshot?.cluster else { return [:] }
        let pool = life.snapshot?.spares
        var view: [String: [Int]] = [:]
        for i in 0..<cluster.nodeCount {
            let spare = pool.map { $0.member[i] ? $0.heldMask[i] : 0 } ?? 0
            view[cluster.nodeNames[i]] = [
                Int(cluster.freeMask[i] | spare), Int(cluster.freeCPUs[i]), Int(cluster.freeMemoryMiB[i]),
            ]
        }
        return view
    }

    /// The tasks the lifecycle believes `node` runs (started, not exited), as its agent would report them.
    static func running(on node: String, _ life: Lifecycle) -> [TaskRef] {
        var tasks: [TaskRef] = []
        for id in life.holding.sorted() {
            guard let attempt = life.jobs[id]?.attempt else { continue }
            for rank in attempt.ranks.indices
            where attempt.node(ofRank: rank) == node && attempt.ranks[rank].started && !attempt.ranks[rank].exited {
                tasks.append(TaskRef(job: id, epoch: attempt.epoch, rank: rank))
            }
        }
        return tasks
    }

    @Test(arguments: [false, true])
    func downDrainResumeAndReturnLeaveTheSnapshotAFullRebuildGives(spares: Bool) throws {
        let config = LifecycleConfig(
            heartbeatTimeout: 10, startTimeout: 60, killGrace: 5, timeLimitSlack: 30, requeueBackoff: 0,
            spares: spares ? SparePolicy(share: 0.25) : nil)
        var life = Lifecycle(config: config)
        let names = (0..<16).map { "n\($0 < 10 ? "0" : "")\($0)" }
        for (i, name) in names.enumerated() {
            var inventory = LifecycleTests.inventory(name)
            inventory.leaf = "leaf\(i / 4)"
            _ = try life.register(inventory, now: 0)
        }
        _ = life.plan(now: 0)
        var silent: Set<String> = []
        var state: UInt64 = spares ? 7 : 3
        func random(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(n))
        }
        var now = 0.0
        var changes = 0
        for _ in 0..<400 {
            now += 1
            let name = names[random(names.count)]
            switch random(7) {
            case 0, 1:
                let gpus = [1, 2, 4, 8, 16][random(5)]
                _ = try? life.submit(JobSpec(gpus: gpus, timeLimit: 100_000), owner: "alice", now: now)
            case 2:
                if (try? life.drain(name, reason: "test", now: random(2) == 0, by: Self.root, at: now)) != nil {
                    changes += 1
                }
            case 3:
                if (try? life.resume(name, by: Self.root)) != nil { changes += 1 }
            case 4:
                silent.insert(name)
            case 5:
                silent.remove(name)
            default:
                // A running job's ranks all exit.
                let ids = life.holding.sorted()
                let id = ids.isEmpty ? 0 : ids[random(ids.count)]
                if let attempt = life.jobs[id]?.attempt {
                    for rank in attempt.ranks.indices where attempt.ranks[rank].started {
                        _ = life.taskExited(
                            TaskRef(job: id, epoch: attempt.epoch, rank: rank), on: attempt.node(ofRank: rank),
                            exitCode: 0, reason: nil, at: now, now: now)
                    }
                }
            }
            for node in names where !silent.contains(node) {
                _ = try life.heartbeat(node: node, running: Self.running(on: node, life), now: now)
            }
            let down = life.nodes.values.filter { $0.health == .down }.count
            _ = life.tick(now: now)
            if life.nodes.values.filter({ $0.health == .down }).count != down { changes += 1 }
            _ = life.plan(now: now)
            // Every placed rank starts.
            for id in life.holding.sorted() {
                guard let attempt = life.jobs[id]?.attempt else { continue }
                for rank in attempt.ranks.indices where !attempt.ranks[rank].started && !attempt.ranks[rank].exited {
                    _ = life.taskStarted(
                        TaskRef(job: id, epoch: attempt.epoch, rank: rank), on: attempt.node(ofRank: rank), at: now,
                        now: now)
                }
            }
            #expect(!life.nodesChanged, "no node was added: nothing waits for a rebuild")
            var rebuilt = life
            rebuilt.rebuildSnapshot()
            let snapshot = try #require(life.snapshot)
            #expect(Self.free(life) == Self.free(rebuilt))
            #expect(Set(snapshot.running.byID.keys) == Set(rebuilt.snapshot!.running.byID.keys))
            #expect(Set(snapshot.pending.map(\.id)) == Set(rebuilt.snapshot!.pending.map(\.id)))
            #expect(snapshot.cluster.invariantViolations(running: Array(snapshot.running.byID.values)) == [])
            for (name, node) in life.nodes {
                let index = try #require(life.nodeIndex[name])
                #expect(snapshot.isWithdrawn(index) == !node.schedulable, "\(name) is \(node.health)")
                if let pool = snapshot.spares, !node.schedulable {
                    #expect(!pool.member[Int(index)], "\(name) is out of service and no spare")
                }
            }
        }
        #expect(changes > 50, "the mix took nodes out of service and back \(changes) times")
    }
}
