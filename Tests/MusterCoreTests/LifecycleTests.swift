import MusterCore
import Testing

/// A job's life through the pure `Lifecycle`, driven the way the live controller drives it (nodes register and
/// heartbeat, agents report) and the way the simulator does. No processes, no sleeps: time is the `now` argument.
@Suite struct LifecycleTests {
    static let config = LifecycleConfig(heartbeatTimeout: 10, startTimeout: 60, killGrace: 5, timeLimitSlack: 30)
    static let alice = Principal(user: "alice", admin: false)
    static let bob = Principal(user: "bob", admin: false)
    static let root = Principal(user: "root", admin: true)

    /// A kill directive without its wording.
    struct Kill: Equatable {
        var job: JobID
        var epoch: Int
        var nodes: [String]
    }

    /// A fence directive without its wording.
    struct Fence: Equatable {
        var node: String
        var task: TaskRef
    }

    static func kills(_ directives: [Directive]) -> [Kill] {
        directives.compactMap {
            if case .kill(let job, let epoch, let nodes, _) = $0 {
                Kill(job: job, epoch: epoch, nodes: nodes)
            } else {
                nil
            }
        }
    }

    static func fences(_ directives: [Directive]) -> [Fence] {
        directives.compactMap {
            if case .fence(let node, let task, _) = $0 { Fence(node: node, task: task) } else { nil }
        }
    }

    /// The field an `.invalid` error names, or nil for any other outcome.
    static func field(_ error: LifecycleError?) -> String? {
        if case .invalid(let field, _)? = error { field } else { nil }
    }

    /// Which kind of refusal `error` is (the HTTP status the shell would give it), or nil for none.
    static func kind(_ error: LifecycleError?) -> String? {
        switch error {
        case .invalid?: "invalid"
        case .notFound?: "notFound"
        case .forbidden?: "forbidden"
        case .conflict?: "conflict"
        case .neverFits?: "neverFits"
        case nil: nil
        }
    }

    /// An 8-GPU node, as its agent registers it.
    static func inventory(_ name: String) -> NodeInventory {
        NodeInventory(
            name: name, gpus: (0..<8).map { GPUDevice(index: $0, model: "H100", memoryMiB: 81_920) }, cpus: 64,
            memoryMiB: 1 << 20, leaf: "leaf0", spine: "spine0", address: "10.0.0.\(name.utf8.count)")
    }

    /// A live lifecycle with these nodes registered at t=0.
    static func live(_ names: [String] = ["gpu-a", "gpu-b"]) throws -> Lifecycle {
        var life = Lifecycle(config: config)
        for name in names {
            #expect(try life.register(inventory(name), now: 0) == [.storeNodes([name]), .wake])
        }
        return life
    }

    /// Job 1 (alice's 2-node gang of 8 GPUs per node) placed at t=0, none of its ranks started yet. Returns the
    /// lifecycle and the attempt's nodes (rank 0's first).
    static func placedGang(timeLimit: Seconds = 3600) throws -> (Lifecycle, [String]) {
        var life = try live()
        let outcome = try life.submit(JobSpec(gpus: 16, timeLimit: timeLimit), owner: "alice", now: 0)
        #expect(outcome.id == 1 && outcome.created && outcome.directives == [.storeJobs([1]), .wake])
        #expect(life.plan(now: 0) == [.storeJobs([1]), .assign(1, epoch: 1)])
        let attempt = try #require(life.jobs[1]?.attempt)
        #expect(attempt.epoch == 1 && attempt.nodes.count == 2 && Set(attempt.nodes) == ["gpu-a", "gpu-b"])
        #expect(life.holding == [1] && life.snapshot?.cluster.freeTotal == 0)
        return (life, attempt.nodes)
    }

    /// `placedGang` with both ranks reported started at t=1.
    static func runningGang(timeLimit: Seconds = 3600) throws -> (Lifecycle, [String]) {
        var (life, nodes) = try placedGang(timeLimit: timeLimit)
        for rank in 0..<2 {
            let directives = life.taskStarted(TaskRef(job: 1, epoch: 1, rank: rank), on: nodes[rank], at: 1, now: 1)
            #expect(directives == [.storeJobs([1])])
        }
        #expect(life.jobs[1]?.state == .running && life.jobs[1]?.attempt?.startedAt == 1)
        return (life, nodes)
    }

    static func rank(_ rank: Int, epoch: Int = 1, job: JobID = 1) -> TaskRef {
        TaskRef(job: job, epoch: epoch, rank: rank)
    }

    // MARK: Complete and fail

    @Test func lastZeroExitCompletesTheGangAtTheLatestExitTimeAndFreesItsGPUs() throws {
        var (life, nodes) = try Self.runningGang()
        // Rank 1's report (exited at 55) arrives first; rank 0's (exited earlier, at 50) arrives last, at 95.
        let first = life.taskExited(Self.rank(1), on: nodes[1], exitCode: 0, reason: nil, at: 55, now: 90)
        #expect(first == [.storeJobs([1])])
        #expect(life.jobs[1]?.state == .running && life.holding == [1])
        let last = life.taskExited(Self.rank(0), on: nodes[0], exitCode: 0, reason: nil, at: 50, now: 95)
        #expect(last == [.storeJobs([1]), .wake])
        let job = try #require(life.jobs[1])
        #expect(job.state == .completed && job.exitCode == 0 && job.reason == nil)
        #expect(job.endTime == 55)
        #expect(life.holding.isEmpty && life.active.isEmpty && life.snapshot?.cluster.freeTotal == 16)
        #expect(life.nextDeadline() == 10)
    }

    @Test func nonZeroExitFailsTheJobKillsTheOtherRankAndHoldsGPUsUntilItExits() throws {
        var (life, nodes) = try Self.runningGang()
        let directives = life.taskExited(Self.rank(1), on: nodes[1], exitCode: 3, reason: nil, at: 20, now: 21)
        let job = try #require(life.jobs[1])
        #expect(job.state == .failed && job.exitCode == 3 && job.endTime == 20)
        #expect(job.reason?.contains("rank 1") == true && job.reason?.contains(nodes[1]) == true)
        #expect(directives.first == .storeJobs([1]))
        #expect(Self.kills(directives) == [Kill(job: 1, epoch: 1, nodes: [nodes[0]])])
        #expect(!directives.contains(.wake))
        #expect(life.holding == [1] && life.snapshot?.cluster.freeTotal == 0)

        let drained = life.taskExited(Self.rank(0), on: nodes[0], exitCode: 143, reason: nil, at: 22, now: 22)
        #expect(drained == [.storeJobs([1]), .wake])
        #expect(life.holding.isEmpty && life.snapshot?.cluster.freeTotal == 16)
        #expect(life.jobs[1]?.state == .failed && life.jobs[1]?.exitCode == 3 && life.jobs[1]?.endTime == 20)
    }

    // MARK: Cancel

    @Test func aJobThatAsksForAGPUModelRunsOnlyOnItsNodesAndAnUnknownModelIsRefused() throws {
        var life = Lifecycle(config: Self.config)
        for (name, model) in [("gpu-a", "NVIDIA H100 80GB HBM3"), ("gpu-b", "NVIDIA A100-SXM4-80GB")] {
            var node = Self.inventory(name)
            node.gpus = node.gpus.map { GPUDevice(index: $0.index, model: model, memoryMiB: $0.memoryMiB) }
            _ = try life.register(node, now: 0)
        }
        let a100 = try life.submit(JobSpec(gpus: 4, timeLimit: 60, gpuModel: "a100"), owner: "alice", now: 0).id
        let h100 = try life.submit(
            JobSpec(gpus: 8, timeLimit: 60, gpuModel: "nvidia h100 80gb hbm3"), owner: "alice", now: 0
        ).id
        let second = try life.submit(JobSpec(gpus: 8, timeLimit: 60, gpuModel: "H100"), owner: "alice", now: 0).id
        _ = life.plan(now: 0)
        #expect(life.jobs[a100]?.attempt?.nodes == ["gpu-b"] && life.jobs[h100]?.attempt?.nodes == ["gpu-a"])
        #expect(life.jobs[second]?.state == .pending, "4 A100s are free, but no H100")
        for asked in ["B200", "80GB"] {
            do {
                _ = try life.submit(JobSpec(gpus: 1, timeLimit: 60, gpuModel: asked), owner: "alice", now: 0)
                Issue.record("\(asked) names no model, or two: refused")
            } catch {
                #expect("\(error)".contains("gpu_model") && "\(error)".contains("H100 80GB"), "\(error)")
            }
        }
    }

    @Test func cancellingAPendingJobEndsItAtOnce() throws {
        var life = try Self.live()
        let id = try life.submit(JobSpec(gpus: 8, timeLimit: 60), owner: "alice", now: 0).id
        let directives = try life.cancel(id, by: Self.alice, now: 3)
        #expect(directives == [.storeJobs([id])])
        let job = try #require(life.jobs[id])
        #expect(job.state == .cancelled && job.endTime == 3 && job.attempt == nil)
        #expect(job.reason?.contains("alice") == true)
        #expect(life.active.isEmpty && life.holding.isEmpty)
        #expect(life.plan(now: 4).isEmpty)
    }

    @Test func cancellingARunningJobKillsItsRanksAndFreesGPUsOnceTheyExit() throws {
        var (life, nodes) = try Self.runningGang()
        let directives = try life.cancel(1, by: Self.alice, now: 10)
        #expect(directives.first == .storeJobs([1]))
        #expect(Self.kills(directives) == [Kill(job: 1, epoch: 1, nodes: nodes)])
        #expect(life.jobs[1]?.state == .cancelled && life.jobs[1]?.endTime == 10 && life.holding == [1])
        _ = life.taskExited(Self.rank(0), on: nodes[0], exitCode: 143, reason: nil, at: 11, now: 11)
        #expect(life.holding == [1])
        let last = life.taskExited(Self.rank(1), on: nodes[1], exitCode: 143, reason: nil, at: 12, now: 12)
        #expect(last.contains(.wake) && life.holding.isEmpty && life.snapshot?.cluster.freeTotal == 16)
        #expect(life.jobs[1]?.state == .cancelled)
    }

    @Test func onlyTheOwnerOrAnAdminMayCancelAndAnEndedJobCannotBeCancelledAgain() throws {
        var (life, _) = try Self.runningGang()
        let forbidden = #expect(throws: LifecycleError.self) { _ = try life.cancel(1, by: Self.bob, now: 5) }
        #expect(Self.kind(forbidden) == "forbidden")
        #expect(life.jobs[1]?.state == .running)
        let missing = #expect(throws: LifecycleError.self) { _ = try life.cancel(42, by: Self.root, now: 5) }
        #expect(Self.kind(missing) == "notFound")

        let directives = try life.cancel(1, by: Self.root, now: 6)
        #expect(life.jobs[1]?.state == .cancelled && life.jobs[1]?.reason?.contains("root") == true)
        #expect(Self.kills(directives).count == 1)
        let again = #expect(throws: LifecycleError.self) { _ = try life.cancel(1, by: Self.alice, now: 7) }
        #expect(Self.kind(again) == "conflict" && again?.message.contains("already cancelled") == true)
    }

    // MARK: Limits enforced by the controller

    @Test func controllerFailsAJobPastItsTimeLimitGraceAndSlackWhenItsAgentDoesNot() throws {
        var (life, nodes) = try Self.runningGang(timeLimit: 100)
        // Started at 1: the controller's deadline is 1 + 100 + 5 (grace) + 30 (slack) = 136.
        for rank in 0..<2 {
            _ = try life.heartbeat(node: nodes[rank], running: [Self.rank(rank)], now: 130)
        }
        #expect(life.nextDeadline() == 136)
        #expect(life.tick(now: 136).isEmpty)
        #expect(life.jobs[1]?.state == .running)

        let directives = life.tick(now: 137)
        let job = try #require(life.jobs[1])
        #expect(job.state == .failed && job.endTime == 137 && job.exitCode == -1)
        #expect(job.reason?.contains("time limit") == true)
        #expect(directives.first == .storeJobs([1]))
        #expect(Self.kills(directives) == [Kill(job: 1, epoch: 1, nodes: nodes)])
        #expect(life.holding == [1])
    }

    @Test func silentNodeGoesDownFailsItsJobAndIsHeldUntilItRunsNothingStray() throws {
        var (life, nodes) = try Self.runningGang()
        _ = try life.heartbeat(node: nodes[0], running: [Self.rank(0)], now: 8)
        #expect(life.tick(now: 10).isEmpty)

        let down = life.tick(now: 12)
        #expect(life.nodes[nodes[1]]?.health == .down && life.nodes[nodes[0]]?.health == .up)
        #expect(down.first == .storeNodes([nodes[1]]))
        #expect(Self.kills(down) == [Kill(job: 1, epoch: 1, nodes: [nodes[0]])])
        let job = try #require(life.jobs[1])
        #expect(job.state == .failed && job.endTime == 12 && job.exitCode == -1)
        #expect(job.reason?.contains("node \(nodes[1])") == true)
        #expect(down.contains(.storeJobs([1])))
        #expect(life.nextDeadline() == 18)

        // The node comes back still running the rank it lost: held and told to stop it.
        let stray = try life.heartbeat(node: nodes[1], running: [Self.rank(1)], now: 20)
        #expect(life.nodes[nodes[1]]?.health == .returning)
        #expect(stray.first == .storeNodes([nodes[1]]))
        #expect(Self.fences(stray) == [Fence(node: nodes[1], task: Self.rank(1))])

        // While it is held it takes no new work.
        _ = life.taskExited(Self.rank(0), on: nodes[0], exitCode: 143, reason: nil, at: 20, now: 20)
        #expect(life.holding.isEmpty)
        let next = try life.submit(JobSpec(gpus: 16, timeLimit: 60), owner: "alice", now: 20).id
        #expect(life.plan(now: 20).isEmpty)

        let clean = try life.heartbeat(node: nodes[1], running: [], now: 21)
        #expect(life.nodes[nodes[1]]?.health == .up)
        #expect(clean == [.storeNodes([nodes[1]]), .wake])
        #expect(life.plan(now: 22) == [.storeJobs([next]), .assign(next, epoch: 1)])
    }

    @Test func rankNeverReportedStartedIsALostStartAndItsGPUsComeBack() throws {
        var life = try Self.live(["gpu-a"])
        let id = try life.submit(JobSpec(gpus: 4, timeLimit: 3600), owner: "alice", now: 0).id
        #expect(life.plan(now: 0) == [.storeJobs([id]), .assign(id, epoch: 1)])
        #expect(life.snapshot?.cluster.freeTotal == 4)
        _ = try life.heartbeat(node: "gpu-a", running: [], now: 55)
        #expect(life.nextDeadline() == 60)
        #expect(life.tick(now: 60).isEmpty)

        let directives = life.tick(now: 61)
        let job = try #require(life.jobs[id])
        #expect(job.state == .failed && job.exitCode == -1 && job.endTime == 61)
        #expect(job.reason?.contains("lost start") == true && job.reason?.contains("rank 0") == true)
        #expect(Self.kills(directives).isEmpty)
        #expect(directives == [.storeJobs([id]), .wake])
        #expect(life.holding.isEmpty && life.snapshot?.cluster.freeTotal == 8)
    }

    @Test func lostStartOfOneRankFailsTheGangAndKillsTheRanksThatStarted() throws {
        var (life, nodes) = try Self.placedGang()
        _ = life.taskStarted(Self.rank(0), on: nodes[0], at: 1, now: 1)
        _ = try life.heartbeat(node: nodes[0], running: [Self.rank(0)], now: 55)
        _ = try life.heartbeat(node: nodes[1], running: [], now: 55)
        #expect(life.jobs[1]?.state == .running)

        let directives = life.tick(now: 61)
        #expect(life.jobs[1]?.state == .failed)
        #expect(life.jobs[1]?.reason?.contains("rank 1 on node \(nodes[1])") == true)
        #expect(Self.kills(directives) == [Kill(job: 1, epoch: 1, nodes: [nodes[0]])])
        #expect(life.holding == [1])
        let drained = life.taskExited(Self.rank(0), on: nodes[0], exitCode: 143, reason: nil, at: 62, now: 62)
        #expect(drained.contains(.wake) && life.holding.isEmpty && life.snapshot?.cluster.freeTotal == 16)
    }

    // MARK: Fencing and lost ranks

    @Test func heartbeatTasksOfAnOldEpochOrUnknownJobAreFencedAndStaleReportsIgnored() throws {
        var (life, nodes) = try Self.runningGang()
        #expect(life.taskStarted(Self.rank(0, epoch: 0), on: nodes[0], at: 2, now: 2).isEmpty)
        #expect(life.taskStarted(Self.rank(0, epoch: 2), on: nodes[0], at: 2, now: 2).isEmpty)
        #expect(life.taskStarted(Self.rank(1), on: nodes[0], at: 2, now: 2).isEmpty)
        #expect(life.taskExited(Self.rank(0, epoch: 0), on: nodes[0], exitCode: 1, reason: nil, at: 2, now: 2).isEmpty)
        #expect(life.taskExited(Self.rank(7), on: nodes[0], exitCode: 1, reason: nil, at: 2, now: 2).isEmpty)
        #expect(life.jobs[1]?.state == .running)

        let directives = try life.heartbeat(
            node: nodes[0], running: [Self.rank(0), Self.rank(0, epoch: 0), Self.rank(0, job: 99)], now: 3)
        #expect(
            Self.fences(directives) == [
                Fence(node: nodes[0], task: Self.rank(0, epoch: 0)), Fence(node: nodes[0], task: Self.rank(0, job: 99)),
            ])
        #expect(directives.count == 2)
        #expect(life.jobs[1]?.state == .running && life.nodes[nodes[0]]?.health == .up)

        let unknown = #expect(throws: LifecycleError.self) {
            _ = try life.heartbeat(node: "gpu-z", running: [], now: 3)
        }
        #expect(Self.kind(unknown) == "notFound")
    }

    @Test func startedRankMissingFromItsNodesHeartbeatIsLostAndFailsTheJob() throws {
        var (life, nodes) = try Self.runningGang()
        _ = try life.heartbeat(node: nodes[0], running: [Self.rank(0)], now: 4)
        #expect(life.jobs[1]?.state == .running)
        let directives = try life.heartbeat(node: nodes[1], running: [], now: 5)
        let job = try #require(life.jobs[1])
        #expect(job.state == .failed && job.exitCode == -1 && job.endTime == 5)
        #expect(job.reason?.contains("no longer runs rank 1") == true)
        #expect(Self.kills(directives) == [Kill(job: 1, epoch: 1, nodes: [nodes[0]])])
        #expect(life.holding == [1])
    }

    @Test func rankOfAnEndedJobMissingFromItsNodesHeartbeatGivesItsGPUsBack() throws {
        var (life, nodes) = try Self.runningGang()
        _ = life.taskExited(Self.rank(1), on: nodes[1], exitCode: 3, reason: nil, at: 5, now: 5)
        #expect(life.jobs[1]?.state == .failed && life.holding == [1])
        // Still running there: told to stop, GPUs still held.
        let running = try life.heartbeat(node: nodes[0], running: [Self.rank(0)], now: 6)
        #expect(Self.fences(running) == [Fence(node: nodes[0], task: Self.rank(0))])
        #expect(life.holding == [1])
        // Its agent restarted and lost the exit report: the rank is gone, so are its GPUs.
        let gone = try life.heartbeat(node: nodes[0], running: [], now: 7)
        #expect(gone.contains(.wake))
        #expect(life.holding.isEmpty && life.snapshot?.cluster.freeTotal == 16)
        #expect(life.jobs[1]?.state == .failed && life.jobs[1]?.exitCode == 3)
    }

    // MARK: Ports and idempotency

    @Test func attemptsWithRankZeroOnOneNodeGetDistinctMasterPortsAndAFreedPortIsReused() throws {
        var life = try Self.live(["gpu-a"])
        let first = try life.submit(JobSpec(gpus: 4, timeLimit: 60), owner: "alice", now: 0).id
        let second = try life.submit(JobSpec(gpus: 4, timeLimit: 60), owner: "bob", now: 0).id
        _ = life.plan(now: 0)
        let firstPort = try #require(life.jobs[first]?.attempt?.masterPort)
        let secondPort = try #require(life.jobs[second]?.attempt?.masterPort)
        #expect(firstPort != secondPort)
        #expect(Self.config.masterPorts.contains(firstPort) && Self.config.masterPorts.contains(secondPort))

        _ = life.taskStarted(Self.rank(0, job: first), on: "gpu-a", at: 1, now: 1)
        _ = life.taskExited(Self.rank(0, job: first), on: "gpu-a", exitCode: 0, reason: nil, at: 2, now: 2)
        #expect(life.jobs[first]?.state == .completed)
        let third = try life.submit(JobSpec(gpus: 4, timeLimit: 60), owner: "alice", now: 3).id
        _ = life.plan(now: 3)
        #expect(life.jobs[third]?.attempt?.masterPort == firstPort)
    }

    @Test func jobWaitsWhenEveryMasterPortOnItsNodeIsHeld() throws {
        var config = Self.config
        config.masterPorts = 20_000...20_001
        var life = Lifecycle(config: config)
        _ = try life.register(Self.inventory("gpu-a"), now: 0)
        let ids = try (0..<3).map { _ in try life.submit(JobSpec(gpus: 1, timeLimit: 60), owner: "alice", now: 0).id }
        let started = life.plan(now: 0)
        #expect(started.filter { if case .assign = $0 { true } else { false } }.count == 2)
        #expect(Set(ids.prefix(2).compactMap { life.jobs[$0]?.attempt?.masterPort }) == [20_000, 20_001])
        #expect(life.jobs[ids[2]]?.state == .pending)
        #expect(life.jobs[ids[2]]?.reason?.contains("MASTER_PORT") == true)
        // Its GPU was given back: only the two started jobs hold one.
        #expect(life.snapshot?.cluster.freeTotal == 6)
        #expect(life.snapshot?.pending.map(\.id) == [ids[2]])

        _ = life.taskExited(Self.rank(0, job: ids[0]), on: "gpu-a", exitCode: 0, reason: nil, at: 1, now: 1)
        _ = life.plan(now: 1)
        #expect(life.jobs[ids[2]]?.state == .running)
        #expect(life.jobs[ids[2]]?.attempt?.masterPort == 20_000)
        #expect(life.jobs[ids[2]]?.reason == nil)
    }

    @Test func resubmitWithTheSameOwnerAndIdempotencyKeyReturnsTheSameJob() throws {
        var life = try Self.live()
        let spec = JobSpec(gpus: 1, timeLimit: 60)
        let first = try life.submit(spec, owner: "alice", idempotencyKey: "k1", now: 0)
        let retry = try life.submit(spec, owner: "alice", idempotencyKey: "k1", now: 1)
        let other = try life.submit(spec, owner: "bob", idempotencyKey: "k1", now: 1)
        #expect(first.created && first.directives == [.storeJobs([first.id]), .wake])
        #expect(retry.id == first.id && !retry.created && retry.directives.isEmpty)
        #expect(other.created && other.id != first.id)
        #expect(life.jobs.count == 2 && life.jobs[other.id]?.owner == "bob")
    }

    // MARK: Bounds

    @Test func outOfRangeSubmitIsRefusedAsInvalidNamingTheField() throws {
        var life = try Self.live()
        let cases: [(JobSpec, Int, String)] = [
            (JobSpec(gpus: 1, timeLimit: JobSpec.Limits.maxTimeLimit + 1), 1, "time_limit"),
            (JobSpec(gpus: 1, timeLimit: .max), 1, "time_limit"),
            (JobSpec(gpus: 1, timeLimit: .min), 1, "time_limit"),
            (JobSpec(gpus: -1, timeLimit: 60), 1, "gpus"),
            (JobSpec(gpus: .max, timeLimit: 60), 1, "gpus"),
            (JobSpec(gpus: .min, timeLimit: 60), 1, "gpus"),
            (JobSpec(gpus: 8, nodes: .max, timeLimit: 60), 1, "nodes"),
            (JobSpec(gpus: 8, gpusPerNode: .max, timeLimit: 60), 1, "gpus_per_node"),
            (JobSpec(gpus: 8, cpusPerNode: .max, timeLimit: 60), 1, "cpus_per_node"),
            (JobSpec(gpus: 8, memoryMiBPerNode: .max, timeLimit: 60), 1, "memory_mib_per_node"),
            (JobSpec(gpus: 1, timeLimit: 60), 0, "tasks_per_node"),
            (JobSpec(gpus: 1, timeLimit: 60), .max, "tasks_per_node"),
            (JobSpec(gpus: 1, timeLimit: 60), .min, "tasks_per_node"),
        ]
        for (spec, tasks, expected) in cases {
            let error = #expect(throws: LifecycleError.self) {
                _ = try life.submit(spec, tasksPerNode: tasks, owner: "alice", now: 0)
            }
            #expect(Self.field(error) == expected, "\(spec) x \(tasks): \(String(describing: error))")
        }
        #expect(life.jobs.isEmpty && life.active.isEmpty && life.nextJobID == 1)
    }

    @Test func jobTheClusterCouldNeverHoldIsRefusedAsNeverFits() throws {
        var empty = Lifecycle(config: Self.config)
        let noNodes = #expect(throws: LifecycleError.self) {
            _ = try empty.submit(JobSpec(gpus: 1, timeLimit: 60), now: 0)
        }
        #expect(Self.kind(noNodes) == "neverFits")

        var life = try Self.live()
        for spec in [
            JobSpec(gpus: 32, timeLimit: 60), JobSpec(gpus: 16, gpusPerNode: 16, timeLimit: 60),
            JobSpec(gpus: 8, cpusPerNode: 65, timeLimit: 60), JobSpec(gpus: 8, nodes: 4, timeLimit: 60),
            JobSpec(gpus: JobSpec.Limits.maxGPUs, timeLimit: 60),
        ] {
            let error = #expect(throws: LifecycleError.self) { _ = try life.submit(spec, now: 0) }
            #expect(Self.kind(error) == "neverFits", "\(spec): \(String(describing: error))")
        }
        #expect(life.jobs.isEmpty)
    }

    @Test func extremeTimesAndValuesNeverTrap() throws {
        var life = try Self.live(["gpu-a"])
        let spec = JobSpec(
            gpus: 8, cpusPerNode: 64, memoryMiBPerNode: 1 << 20, timeLimit: JobSpec.Limits.maxTimeLimit,
            submitTime: .max)
        let id = try life.submit(spec, owner: "alice", idempotencyKey: "", now: 0).id
        _ = try life.submit(JobSpec(gpus: 0, timeLimit: 1, submitTime: .min), owner: "alice", now: 0)
        _ = try life.heartbeat(node: "gpu-a", running: [], now: 1e300)
        #expect(!life.plan(now: 1e300).isEmpty)
        #expect(life.jobs[id]?.state == .running)
        _ = life.taskStarted(Self.rank(0, job: id), on: "gpu-a", at: .nan, now: 1e300)
        #expect(life.jobs[id]?.attempt?.startedAt == 1e300)
        #expect(life.nextDeadline() != nil)
        _ = life.taskExited(Self.rank(0, job: id), on: "gpu-a", exitCode: .min, reason: nil, at: -.infinity, now: 1e300)
        #expect(life.jobs[id]?.state == .failed && life.jobs[id]?.exitCode == .min)
        _ = life.tick(now: .infinity)
        _ = life.plan(now: .infinity)
        #expect(life.nodes["gpu-a"]?.health == .down)
    }

    // MARK: Restart

    @Test func restoreReassignsAStoredRunningJobAndKeepsItsGPUsAndPort() throws {
        var before = try Self.live(["gpu-a"])
        _ = try before.submit(JobSpec(gpus: 4, timeLimit: 3600), owner: "alice", now: 0)
        _ = before.plan(now: 0)
        _ = before.taskStarted(Self.rank(0), on: "gpu-a", at: 1, now: 1)
        let stored = try #require(before.jobs[1])
        let port = try #require(stored.attempt?.masterPort)

        var (life, directives) = Lifecycle.restore(
            config: Self.config, jobs: [stored], nodes: Array(before.nodes.values), now: 500)
        #expect(directives == [.assign(1, epoch: 1), .wake])
        #expect(life.jobs[1]?.state == .running && life.holding == [1] && life.active == [1])
        #expect(life.nextJobID == 2 && life.nextDeadline() == 510)
        #expect(life.snapshot?.cluster.freeTotal == 4)

        let next = try life.submit(JobSpec(gpus: 4, timeLimit: 60), owner: "bob", now: 501).id
        #expect(next == 2)
        _ = life.plan(now: 501)
        #expect(life.jobs[next]?.state == .running)
        #expect(life.jobs[next]?.attempt?.masterPort != port)
        #expect(life.snapshot?.cluster.freeTotal == 0)
    }

    @Test func restoreFailsAStoredJobThatTodaysRulesRefuseInsteadOfCrashing() throws {
        let (running, _) = try Self.runningGang()
        let refused = Job(
            id: 2, spec: JobSpec(gpus: 1, timeLimit: .max), shape: GangShape(nodes: 1, gpusPerNode: 1),
            owner: "eve", submittedAt: 100)
        let pending = Job(
            id: 3, spec: JobSpec(gpus: 8, timeLimit: 60), shape: GangShape(nodes: 1, gpusPerNode: 8), owner: "eve",
            submittedAt: 100)
        let (life, directives) = Lifecycle.restore(
            config: Self.config, jobs: [pending, refused, try #require(running.jobs[1])],
            nodes: Array(running.nodes.values), now: 500)
        #expect(directives.first == .storeJobs([2]))
        #expect(directives.contains(.assign(1, epoch: 1)) && directives.last == .wake)
        let job = try #require(life.jobs[2])
        #expect(job.state == .failed && job.endTime == 500 && job.exitCode == -1)
        #expect(job.reason?.hasPrefix("refused when the controller restarted") == true)
        #expect(job.reason?.contains("time_limit") == true)
        #expect(life.jobs[3]?.state == .pending && life.active == [1, 3])
        #expect(life.jobOrder == [1, 2, 3] && life.nextJobID == 4)
    }

    // MARK: Deadlines

    @Test func nextDeadlineIsNilWhenIdleAndTheHeartbeatTimeoutWithOneIdleNode() throws {
        var life = Lifecycle(config: Self.config)
        #expect(life.nextDeadline() == nil)
        _ = try life.register(Self.inventory("gpu-a"), now: 5)
        #expect(life.nextDeadline() == 15)
        _ = try life.heartbeat(node: "gpu-a", running: [], now: 7)
        #expect(life.nextDeadline() == 17)
        #expect(life.tick(now: 17).isEmpty)
        #expect(life.tick(now: 18) == [.storeNodes(["gpu-a"]), .wake])
        #expect(life.nextDeadline() == nil)
    }

    // MARK: Simulator

    @Test func simulatorForgetsAnEndedJobAndFreesItsGPUs() throws {
        let cluster = testCluster(leaves: 1, nodesPerLeaf: 2)
        var life = Lifecycle(cluster: cluster, config: LifecycleConfig(retainEnded: false))
        let id = try life.submit(JobSpec(gpus: 16, timeLimit: 100), idempotencyKey: "trace-1", now: 0).id
        #expect(life.plan(now: 0) == [.storeJobs([id]), .assign(id, epoch: 1)])
        #expect(life.snapshot?.cluster.freeTotal == 0 && life.holding == [id])
        #expect(life.jobs[id]?.attempt?.nodes.count == 2)

        #expect(life.attemptExited(id, epoch: 2, exitCode: 0, now: 80).isEmpty)
        let directives = life.attemptExited(id, epoch: 1, exitCode: 0, now: 90)
        #expect(directives == [.storeJobs([id]), .wake])
        #expect(life.jobs[id] == nil && life.jobOrder.isEmpty && life.active.isEmpty && life.holding.isEmpty)
        #expect(life.snapshot?.cluster.freeTotal == 16)
        let again = try life.submit(JobSpec(gpus: 16, timeLimit: 100), idempotencyKey: "trace-1", now: 95)
        #expect(again.created && again.id != id)
    }
}
