import MusterCore
import Testing

/// Preemption as events of the lifecycle: the victim is recorded, requeued (or ended with `--no-requeue`) and
/// stopped; the preemptor is assigned only once the victim's ranks have stopped.
@Suite struct LifecyclePreemptionTests {
    typealias T = LifecycleTests

    /// The lifecycle tests' config with `sharing` (the test classes, no teams, by default).
    static func config(_ sharing: SharingPolicy = SharingPolicy(classes: SharingTests.classes)) -> LifecycleConfig {
        var config = T.config
        config.sharing = sharing
        return config
    }

    /// A live lifecycle with sharing and node gpu-a registered at t=0.
    static func live(_ sharing: SharingPolicy = SharingPolicy(classes: SharingTests.classes)) throws -> Lifecycle {
        var life = Lifecycle(config: config(sharing))
        _ = try life.register(T.inventory("gpu-a"), now: 0)
        return life
    }

    @Test func aPreemptedJobIsRequeuedAndItsPreemptorStartsOnceItsRanksHaveStopped() throws {
        var life = try Self.live()
        let low = try life.submit(
            JobSpec(gpus: 8, timeLimit: 3_600, priority: PriorityClass(name: "low", rank: 0)), owner: "alice",
            now: 0
        ).id
        #expect(life.jobs[low]?.spec.priority.name == "best-effort", "old names map onto the classes")
        _ = life.plan(now: 0)
        _ = life.taskStarted(T.rank(0, job: low), on: "gpu-a", at: 1, now: 1)
        let high = try life.submit(
            JobSpec(gpus: 8, timeLimit: 3_600, priority: PriorityClass(name: "inference", rank: 0)), owner: "bob",
            now: 10
        ).id
        let directives = life.plan(now: 10)
        let text = "preempted by job \(high): job \(high) of class inference outranks class best-effort in team default"
        #expect(directives.contains(.kill(low, epoch: 1, nodes: ["gpu-a"], reason: text)))
        #expect(!directives.contains(.assign(high, epoch: 1)), "its GPUs are still the victim's")
        let victim = try #require(life.jobs[low])
        #expect(victim.state == .pending && victim.restarts == 1 && victim.preemptions == 1)
        #expect(victim.preemption?.by == high && victim.preemption?.at == 10 && victim.preemption?.epoch == 1)
        #expect(
            victim.preemption?.reason == "job \(high) of class inference outranks class best-effort in team default")
        #expect(life.jobs[high]?.state == .running && life.awaitingVictims[high] == [low])
        _ = try life.heartbeat(node: "gpu-a", running: [T.rank(0, job: low)], now: 65)
        #expect(life.tick(now: 71).isEmpty, "waiting for victims is not a lost start")
        let stopped = life.taskExited(T.rank(0, job: low), on: "gpu-a", exitCode: 143, reason: nil, at: 72, now: 72)
        #expect(stopped.contains(.assign(high, epoch: 1)))
        #expect(life.jobs[high]?.attempt?.scheduledAt == 72)
        // The victim is back in the queue, and may not preempt its preemptor back.
        #expect(life.plan(now: 73).isEmpty)
        #expect(life.why(low)?.hasPrefix("preempted by job \(high)") == true)
        // Energy, modelled: 8 GPUs x 1,175 W from its start (1) to its ranks' exit (72), carried to its restart.
        let used = 8 * Job.modelledWattsPerGPU * 71
        #expect(abs(life.jobs[low]!.energyJoules(until: 500) - used) < 1)
        _ = life.taskStarted(T.rank(0, job: high), on: "gpu-a", at: 74, now: 74)
        _ = life.taskExited(T.rank(0, job: high), on: "gpu-a", exitCode: 0, reason: nil, at: 80, now: 80)
        _ = life.plan(now: 80)
        #expect(life.jobs[low]?.epoch == 2 && life.jobs[low]?.attempt?.priorEnergyJoules == used)
    }

    @Test func theVictimIsTheJobThatLosesLeastSinceItsReportedCheckpoint() throws {
        var life = try Self.live()
        var ids: [JobID] = []
        for _ in 0..<2 {
            ids.append(
                try life.submit(
                    JobSpec(gpus: 4, timeLimit: 3_600, priority: PriorityClass(name: "research", rank: 0)),
                    owner: "alice", now: 0
                ).id)
        }
        _ = life.plan(now: 0)
        for id in ids { _ = life.taskStarted(T.rank(0, job: id), on: "gpu-a", at: 1, now: 1) }
        // The older job would be kept (newest first) but for its checkpoint: it loses 100 s, the other 999 s.
        #expect(!life.checkpointed(T.rank(0, job: ids[0]), on: "gpu-a", at: 900, now: 900).isEmpty)
        #expect(life.checkpointed(T.rank(0, job: ids[0]), on: "gpu-a", at: 800, now: 900).isEmpty, "only later ones")
        #expect(life.checkpointed(T.rank(0, job: ids[1]), on: "gpu-b", at: 950, now: 950).isEmpty, "its own node only")
        #expect(life.jobs[ids[0]]?.attempt?.checkpointAt == 900)
        _ = try life.submit(
            JobSpec(gpus: 4, timeLimit: 3_600, priority: PriorityClass(name: "production", rank: 0)), owner: "bob",
            now: 1_000)
        let directives = life.plan(now: 1_000)
        #expect(life.jobs[ids[0]]?.preemptions == 1 && life.jobs[ids[1]]?.preemptions == 0, "\(directives)")
    }

    @Test func aModelGuaranteeIsReclaimedLiveAndReportedAndSurvivesARestore() throws {
        let sharing = SharingPolicy(
            classes: SharingTests.classes,
            teams: [TeamPolicy(name: "a", modelGuarantees: ["h100": 8]), TeamPolicy(name: "b")])
        var life = Lifecycle(config: Self.config(sharing))
        for (name, model) in [("gpu-a", "NVIDIA H100 80GB HBM3"), ("gpu-b", "NVIDIA A100-SXM4-80GB")] {
            var node = T.inventory(name)
            node.gpus = node.gpus.map { GPUDevice(index: $0.index, model: model, memoryMiB: $0.memoryMiB) }
            _ = try life.register(node, now: 0)
        }
        var squatter: JobID = 0
        for _ in 0..<2 {
            let id = try life.submit(JobSpec(gpus: 8, timeLimit: 3_600, team: "b"), owner: "bob", now: 0).id
            _ = life.plan(now: 0)
            if life.jobs[id]?.attempt?.nodes == ["gpu-a"] { squatter = id }
        }
        #expect(squatter != 0)
        let b = try #require(life.teamReport().first { $0.name == "b" })
        #expect(b.models == [TeamUsage.Model(model: "NVIDIA H100 80GB HBM3", guarantee: 0, using: 8, borrowed: 8)])
        // A restore rebuilds the ledgers from the running jobs: the squatter still borrows the H100s.
        var (restored, _) = Lifecycle.restore(
            config: Self.config(sharing), jobs: Array(life.jobs.values), nodes: Array(life.nodes.values), now: 10)
        _ = restored.plan(now: 10)
        #expect(restored.teamReport().first { $0.name == "b" }?.models == b.models)
        let claim = try life.submit(
            JobSpec(gpus: 8, timeLimit: 3_600, team: "a", gpuModel: "H100"), owner: "alice", now: 1_000
        ).id
        _ = life.plan(now: 1_000)
        #expect(life.jobs[squatter]?.preemptions == 1 && life.awaitingVictims[claim] == [squatter])
        let a = try #require(life.teamReport().first { $0.name == "a" })
        #expect(a.models.first?.guarantee == 8 && a.models.first?.using == 8 && a.models.first?.borrowed == 0)
    }

    @Test func fairShareUsageSurvivesARestart() throws {
        let sharing = SharingPolicy(
            classes: SharingTests.classes, teams: [TeamPolicy(name: "a", guarantee: 4), TeamPolicy(name: "b")])
        var life = Lifecycle(config: Self.config(sharing))
        _ = try life.register(T.inventory("gpu-a"), now: 0)
        let id = try life.submit(JobSpec(gpus: 8, timeLimit: 3_600, team: "a"), owner: "alice", now: 0).id
        _ = life.plan(now: 0)
        _ = life.taskStarted(T.rank(0, job: id), on: "gpu-a", at: 0, now: 0)
        _ = life.taskExited(T.rank(0, job: id), on: "gpu-a", exitCode: 0, reason: nil, at: 3_000, now: 3_000)
        _ = life.plan(now: 3_600)
        let before = try #require(life.teamReport().first { $0.name == "a" }?.fairShare)
        #expect(abs(before - 0.5) < 0.01, "a used every GPU-second so far: 2^-(1 / its share of 1)")
        let (restored, _) = Lifecycle.restore(
            config: Self.config(sharing), jobs: Array(life.jobs.values), nodes: Array(life.nodes.values), now: 3_600)
        let after = try #require(restored.teamReport().first { $0.name == "a" }?.fairShare)
        #expect(abs(after - before) < 0.01, "\(before) before the restart, \(after) after")
        #expect(restored.teamReport().first { $0.name == "b" }?.fairShare == 1)
    }

    @Test func aJobThatOptsOutOfRequeueEndsAsPreempted() throws {
        var life = try Self.live()
        let low = try life.submit(
            JobSpec(gpus: 8, timeLimit: 3_600, priority: PriorityClass(name: "research", rank: 0)), owner: "alice",
            noRequeue: true, now: 0
        ).id
        _ = life.plan(now: 0)
        _ = try life.submit(
            JobSpec(gpus: 8, timeLimit: 3_600, priority: PriorityClass(name: "production", rank: 0)), owner: "bob",
            now: 10)
        _ = life.plan(now: 10)
        #expect(life.jobs[low]?.state == .preempted && life.jobs[low]?.state.isTerminal == true)
        #expect(life.jobs[low]?.reason?.hasPrefix("preempted by job 2") == true)
    }

    @Test func anUnknownClassOrTeamIsRefusedNamingTheField() throws {
        var life = try Self.live(SharingPolicy(teams: [TeamPolicy(name: "vision", guarantee: 8)]))
        #expect(throws: LifecycleError.self) {
            try life.submit(JobSpec(gpus: 1, timeLimit: 60, team: "nlp"), owner: "a", now: 0)
        }
        do {
            _ = try life.submit(
                JobSpec(gpus: 1, timeLimit: 60, team: "vision", priority: PriorityClass(name: "urgent", rank: 0)),
                owner: "a", now: 0)
            Issue.record("an unknown class is refused")
        } catch {
            #expect("\(error)".contains("priority") && "\(error)".contains("inference, production, research"))
        }
        #expect(try life.submit(JobSpec(gpus: 1, timeLimit: 60, team: "vision"), owner: "a", now: 0).created)
    }

    @Test func aReloadPutsNewTeamsInForceAtOnceAndKeepsPastUseByName() throws {
        var life = try Self.live(SharingPolicy(teams: [TeamPolicy(name: "ml", guarantee: 8)]))
        _ = try life.submit(JobSpec(gpus: 8, timeLimit: 3_600, team: "ml"), owner: "a", now: 0)
        _ = life.plan(now: 0)
        _ = life.plan(now: 100)
        let used = try #require(life.fairShare.usage.first)
        #expect(used > 0)
        _ = life.reload(
            sharing: SharingPolicy(teams: [TeamPolicy(name: "cv", guarantee: 0), TeamPolicy(name: "ml", guarantee: 8)]))
        let report = life.teamReport()
        #expect(report.map(\.name) == ["cv", "ml", "(no team)"])
        #expect(report[1].using == 8 && report[1].borrowed == 0 && report[0].using == 0)
        #expect(life.fairShare.usage[1] == used, "ml's past use follows it by name")
    }

    @Test func theSimulatorsVictimStopsAtOnceAndItsPreemptorStartsInTheSamePass() throws {
        var life = Lifecycle(
            cluster: testCluster(leaves: 1, nodesPerLeaf: 1),
            config: LifecycleConfig(
                retainEnded: false, explainWaits: false, sharing: SharingPolicy(classes: SharingTests.classes)))
        _ = try life.submit(JobSpec(gpus: 8, timeLimit: 100, priority: .low), id: 0, now: 0)
        _ = life.plan(now: 0)
        _ = try life.submit(JobSpec(gpus: 8, timeLimit: 100, priority: .critical), id: 1, now: 5)
        let directives = life.plan(now: 5)
        #expect(directives.contains(.assign(1, epoch: 1)))
        #expect(life.jobs[0]?.state == .pending && life.snapshot?.pending.map(\.id) == [0])
        #expect(life.preemptionsMade == 1)
    }
}

/// A controller killed in the middle of a preemption: restored from the stored rows, the victim is still queued
/// and the preemptor, not started yet, waits again for the victim's ranks before it is assigned (once).
@Suite struct PreemptionRestoreTests {
    typealias T = LifecycleTests

    @Test func aRestartMidPreemptionKeepsTheVictimAndStartsThePreemptorOnce() throws {
        var life = try LifecyclePreemptionTests.live()
        let low = try life.submit(
            JobSpec(gpus: 8, timeLimit: 3_600, priority: PriorityClass(name: "best-effort", rank: 0)), owner: "a",
            now: 0
        ).id
        _ = life.plan(now: 0)
        _ = life.taskStarted(T.rank(0, job: low), on: "gpu-a", at: 1, now: 1)
        let high = try life.submit(
            JobSpec(gpus: 8, timeLimit: 3_600, priority: PriorityClass(name: "inference", rank: 0)), owner: "b",
            now: 10
        ).id
        _ = life.plan(now: 10)
        #expect(life.awaitingVictims[high] == [low])
        // SIGKILL here: only the stored rows survive.
        let stored = life.jobs.values.map { $0 }
        let (loaded, directives) = Lifecycle.restore(
            config: LifecyclePreemptionTests.config(), jobs: stored, nodes: Array(life.nodes.values), now: 20)
        var restored = loaded
        #expect(restored.jobs[low]?.state == .pending && restored.jobs[low]?.preemption?.by == high)
        #expect(restored.jobs[high]?.state == .running && restored.awaitingVictims[high] == [low])
        #expect(!directives.contains(.assign(high, epoch: 1)), "not while the victim's rank may still run")
        #expect(directives.contains { if case .kill(low, _, _, _) = $0 { true } else { false } })
        let stopped = restored.taskExited(T.rank(0, job: low), on: "gpu-a", exitCode: 143, reason: nil, at: 21, now: 21)
        #expect(stopped.filter { $0 == .assign(high, epoch: 1) }.count == 1)
        #expect(restored.plan(now: 22).allSatisfy { $0 != .assign(high, epoch: 1) })
    }
}
