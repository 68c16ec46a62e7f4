import MusterCore
import Testing

/// Every way a job's life ends, through the pure `Lifecycle`: no processes, no sleeps; time is a parameter.
@Suite struct LifecycleExitTests {
    static let config = LifecycleConfig(heartbeatTimeout: 10, startTimeout: 60, killGrace: 5, timeLimitSlack: 30)

    static func node(_ name: String) -> NodeInventory {
        NodeInventory(
            name: name, gpus: (0..<8).map { GPUDevice(index: $0, model: "H100", memoryMiB: 81_920) }, cpus: 64,
            memoryMiB: 1 << 20, leaf: "l0", spine: "s0", address: "10.0.0.\(name.count)")
    }

    /// Two registered nodes and one running 2-node gang (job 1, epoch 1, ranks 0 and 1 started at t=1).
    static func runningGang(timeLimit: Seconds = 3600) throws -> Lifecycle {
        var life = Lifecycle(config: config)
        _ = try life.register(node("a"), now: 0)
        _ = try life.register(node("b"), now: 0)
        _ = try life.submit(JobSpec(gpus: 16, timeLimit: timeLimit), owner: "alice", now: 0)
        let directives = life.plan(now: 0)
        #expect(directives.first == .storeJobs([1]) && directives.contains(.assign(1, epoch: 1)))
        for rank in 0..<2 {
            _ = life.taskStarted(TaskRef(job: 1, epoch: 1, rank: rank), on: rank == 0 ? "a" : "b", at: 1, now: 1)
        }
        #expect(life.jobs[1]?.state == .running)
        return life
    }

    @Test func lastZeroExitCompletesTheJobAtTheExitsTimeAndFreesItsGPUs() throws {
        var life = try Self.runningGang()
        _ = life.taskExited(TaskRef(job: 1, epoch: 1, rank: 0), on: "a", exitCode: 0, reason: nil, at: 50, now: 70)
        #expect(life.jobs[1]?.state == .running)
        let directives = life.taskExited(
            TaskRef(job: 1, epoch: 1, rank: 1), on: "b", exitCode: 0, reason: nil, at: 55, now: 90)
        #expect(life.jobs[1]?.state == .completed)
        #expect(life.jobs[1]?.endTime == 55)
        #expect(directives.first == .storeJobs([1]) && directives.contains(.wake))
        #expect(life.holding.isEmpty && life.snapshot?.cluster.freeTotal == 16)
    }

    @Test func nonZeroExitFailsTheJobStopsTheOtherRankAndHoldsGPUsUntilItExits() throws {
        var life = try Self.runningGang()
        let directives = life.taskExited(
            TaskRef(job: 1, epoch: 1, rank: 1), on: "b", exitCode: 3, reason: nil, at: 20, now: 20)
        #expect(life.jobs[1]?.state == .failed && life.jobs[1]?.exitCode == 3)
        #expect(life.jobs[1]?.reason?.contains("rank 1") == true)
        #expect(directives.contains { if case .kill(1, 1, ["a"], _) = $0 { true } else { false } })
        #expect(life.holding == [1])
        _ = life.taskExited(TaskRef(job: 1, epoch: 1, rank: 0), on: "a", exitCode: 143, reason: nil, at: 21, now: 21)
        #expect(life.holding.isEmpty && life.snapshot?.cluster.freeTotal == 16)
    }

    @Test func cancelEndsPendingAtOnceRunningWithAKillAndOnlyForTheOwnerOrAnAdmin() throws {
        var life = try Self.runningGang()
        let pending = try life.submit(JobSpec(gpus: 16, timeLimit: 60), owner: "bob", now: 2).id
        #expect(throws: LifecycleError.self) {
            _ = try life.cancel(1, by: Principal(user: "bob", admin: false), now: 3)
        }
        _ = try life.cancel(pending, by: Principal(user: "bob", admin: false), now: 3)
        #expect(life.jobs[pending]?.state == .cancelled && life.snapshot?.pending.isEmpty == true)
        let directives = try life.cancel(1, by: Principal(user: "root", admin: true), now: 4)
        #expect(life.jobs[1]?.state == .cancelled)
        #expect(directives.contains { if case .kill(1, 1, _, _) = $0 { true } else { false } })
        #expect(
            throws: LifecycleError.conflict("job 1 already cancelled; only pending or running jobs can be cancelled")
        ) {
            _ = try life.cancel(1, by: Principal(user: "alice", admin: false), now: 5)
        }
    }

    @Test func controllerEndsAJobPastItsTimeLimitWhenItsAgentDoesNot() throws {
        var life = try Self.runningGang(timeLimit: 100)
        _ = try life.heartbeat(node: "a", running: [TaskRef(job: 1, epoch: 1, rank: 0)], now: 130)
        _ = try life.heartbeat(node: "b", running: [TaskRef(job: 1, epoch: 1, rank: 1)], now: 130)
        #expect(life.tick(now: 1 + 100 + 5 + 29).isEmpty)
        let directives = life.tick(now: 137)
        #expect(life.jobs[1]?.state == .failed && life.jobs[1]?.reason?.contains("time limit") == true)
        #expect(directives.contains { if case .kill(1, 1, _, _) = $0 { true } else { false } })
    }

    @Test func silentNodeGoesDownItsJobFailsAndItReturnsOnlyOnceItRunsNothingStray() throws {
        var life = try Self.runningGang()
        _ = try life.heartbeat(node: "a", running: [TaskRef(job: 1, epoch: 1, rank: 0)], now: 8)
        let directives = life.tick(now: 12)
        #expect(life.nodes["b"]?.health == .down && life.nodes["a"]?.health == .up)
        #expect(directives.contains(.storeNodes(["b"])))
        #expect(life.jobs[1]?.state == .failed && life.jobs[1]?.reason?.contains("node b") == true)
        let stray = try life.heartbeat(node: "b", running: [TaskRef(job: 1, epoch: 1, rank: 1)], now: 20)
        #expect(life.nodes["b"]?.health == .returning)
        #expect(stray.contains { if case .fence(node: "b", _, _) = $0 { true } else { false } })
        _ = try life.heartbeat(node: "b", running: [], now: 21)
        #expect(life.nodes["b"]?.health == .up)
    }

    @Test func rankNeverReportedStartedIsALostStartAndItsGPUsComeBack() throws {
        var life = Lifecycle(config: Self.config)
        _ = try life.register(Self.node("a"), now: 0)
        _ = try life.submit(JobSpec(gpus: 4, timeLimit: 3600), owner: "alice", now: 0)
        _ = life.plan(now: 0)
        _ = try life.heartbeat(node: "a", running: [], now: 59)
        #expect(life.tick(now: 59).isEmpty)
        _ = try life.heartbeat(node: "a", running: [], now: 61)
        _ = life.tick(now: 61)
        #expect(life.jobs[1]?.state == .failed && life.jobs[1]?.reason?.contains("lost start") == true)
        #expect(life.holding.isEmpty && life.snapshot?.cluster.freeTotal == 8)
    }

    @Test func staleEpochsAreFencedAndTheirReportsIgnored() throws {
        var life = try Self.runningGang()
        #expect(life.taskStarted(TaskRef(job: 1, epoch: 0, rank: 0), on: "a", at: 2, now: 2).isEmpty)
        #expect(
            life.taskExited(TaskRef(job: 1, epoch: 7, rank: 0), on: "a", exitCode: 1, reason: nil, at: 2, now: 2)
                .isEmpty)
        #expect(life.jobs[1]?.state == .running)
        let directives = try life.heartbeat(
            node: "a", running: [TaskRef(job: 1, epoch: 1, rank: 0), TaskRef(job: 99, epoch: 3, rank: 0)], now: 3)
        #expect(
            directives.contains {
                if case .fence(node: "a", TaskRef(job: 99, epoch: 3, rank: 0), _) = $0 { true } else { false }
            })
        #expect(life.jobs[1]?.state == .running)
    }

    @Test func startedRankMissingFromAHeartbeatIsLostAndFailsItsJob() throws {
        var life = try Self.runningGang()
        _ = try life.heartbeat(node: "b", running: [], now: 5)
        #expect(life.jobs[1]?.state == .failed && life.jobs[1]?.reason?.contains("no longer runs rank 1") == true)
    }

    @Test func attemptsWhoseRankZeroSharesANodeGetDistinctMasterPorts() throws {
        var life = Lifecycle(config: Self.config)
        _ = try life.register(Self.node("a"), now: 0)
        for _ in 0..<3 { _ = try life.submit(JobSpec(gpus: 1, timeLimit: 60), owner: "u", now: 0) }
        _ = life.plan(now: 0)
        let ports = (1...3).compactMap { life.jobs[JobID($0)]?.attempt?.masterPort }
        #expect(Set(ports).count == 3)
    }

    @Test func outOfRangeSpecsAreRefusedNamingTheFieldAndNothingTraps() throws {
        var life = Lifecycle(config: Self.config)
        _ = try life.register(Self.node("a"), now: 0)
        for (spec, field) in [
            (JobSpec(gpus: 1, timeLimit: .max), "time_limit"), (JobSpec(gpus: .max, timeLimit: 60), "gpus"),
            (JobSpec(gpus: 8, nodes: .max, gpusPerNode: 2, timeLimit: 60), "nodes"),
        ] {
            #expect(throws: LifecycleError.self) { _ = try life.submit(spec, now: 0) }
            do {
                _ = try life.submit(spec, now: 0)
            } catch {
                if case .invalid(let named, _) = error { #expect(named == field) } else { Issue.record("\(error)") }
            }
        }
        #expect(throws: LifecycleError.self) { _ = try life.submit(JobSpec(gpus: 1_000_003, timeLimit: 60), now: 0) }
        #expect(throws: LifecycleError.self) {
            _ = try life.submit(JobSpec(gpus: 1, timeLimit: 60), tasksPerNode: 0, now: 0)
        }
    }

    @Test func restoreFailsAStoredJobTodaysRulesRefuseAndReassignsRunningOnes() throws {
        let running = try Self.runningGang()
        var bad = Job(id: 2, spec: JobSpec(gpus: 1, timeLimit: .max), shape: GangShape(nodes: 1, gpusPerNode: 1))
        bad.owner = "eve"
        let (life, directives) = Lifecycle.restore(
            config: Self.config, jobs: [running.jobs[1]!, bad], nodes: Array(running.nodes.values), now: 500)
        #expect(life.jobs[2]?.state == .failed)
        #expect(life.jobs[2]?.reason?.hasPrefix("refused when the controller restarted") == true)
        #expect(directives.contains(.storeJobs([2])) && directives.contains(.assign(1, epoch: 1)))
        #expect(life.holding == [1] && life.nextJobID == 3)
    }

    @Test func aRetryWithTheSameIdempotencyKeyGetsTheSameJob() throws {
        var life = Lifecycle(config: Self.config)
        _ = try life.register(Self.node("a"), now: 0)
        let first = try life.submit(JobSpec(gpus: 1, timeLimit: 60), owner: "u", idempotencyKey: "k", now: 0)
        let again = try life.submit(JobSpec(gpus: 1, timeLimit: 60), owner: "u", idempotencyKey: "k", now: 1)
        let other = try life.submit(JobSpec(gpus: 1, timeLimit: 60), owner: "v", idempotencyKey: "k", now: 1)
        #expect(first.id == again.id && !again.created && other.created && other.id != first.id)
    }
}
