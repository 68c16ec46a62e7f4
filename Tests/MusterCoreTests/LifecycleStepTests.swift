import MusterCore
import Testing

/// Batch scripts and their steps (srun), through the pure `Lifecycle`: the script is one rank on the first node,
/// steps are laid out over the allocation, and neither ends the job but the script.
@Suite struct LifecycleStepTests {
    static let alice = Principal(user: "alice", admin: false)

    /// Two 8-GPU nodes and a running batch script over both (job 1, epoch 1, 2 tasks per node, 4 GPUs per node),
    /// its one rank started on the first node.
    static func runningBatch() throws -> Lifecycle {
        var life = Lifecycle(config: LifecycleExitTests.config)
        _ = try life.register(LifecycleExitTests.node("a"), now: 0)
        _ = try life.register(LifecycleExitTests.node("b"), now: 0)
        _ = try life.submit(
            JobSpec(gpus: 8, nodes: 2, gpusPerNode: 4, timeLimit: 3600), tasksPerNode: 2, owner: "alice",
            launch: JobLaunch(command: [], script: "#!/bin/bash\nsrun hostname\n", workdir: "/w"), now: 0)
        #expect(life.plan(now: 0).contains(.assign(1, epoch: 1)))
        _ = life.taskStarted(TaskRef(job: 1, epoch: 1, rank: 0), on: "a", at: 1, now: 1)
        return life
    }

    static func step(_ life: inout Lifecycle, _ request: StepRequest, now: Double = 2) throws -> Step {
        let (id, directives) = try life.launchStep(1, epoch: 1, request, by: alice, now: now)
        #expect(directives == [.storeJobs([1]), .assignStep(1, epoch: 1, step: id)])
        return try life.step(1, id, for: alice)
    }

    static func finish(_ life: inout Lifecycle, _ step: Step, codes: [Int32], at time: Double = 3) {
        for (rank, task) in step.tasks.enumerated() {
            _ = life.taskExited(
                TaskRef(job: 1, epoch: 1, rank: rank, step: step.id), on: task.node, exitCode: codes[rank],
                reason: nil, at: time, now: time)
        }
    }

    @Test func aBatchScriptIsOneRankOnTheFirstNodeHoldingEveryNode() throws {
        let life = try Self.runningBatch()
        let attempt = try #require(life.jobs[1]?.attempt)
        #expect(attempt.isBatch && attempt.ranks.count == 1 && attempt.nodesWithLiveRanks == ["a", "b"])
        #expect(life.snapshot?.cluster.freeTotal == 8)
    }

    @Test func aStepDefaultsToEveryNodeAndTheJobsTasksPerNode() throws {
        var life = try Self.runningBatch()
        let step = try Self.step(&life, StepRequest(command: ["hostname"], workdir: "/w"))
        #expect(step.nodes == ["a", "b"] && step.tasks.map(\.node) == ["a", "a", "b", "b"])
        #expect(step.tasks.map(\.nodeIndex) == [0, 0, 1, 1] && step.tasks.map(\.local) == [0, 1, 0, 1])
        #expect(step.tasks.allSatisfy { $0.gpus.count == 4 })
    }

    @Test func aStepLaysTasksOutByNodesTasksNodelistAndGPUsPerTask() throws {
        var life = try Self.runningBatch()
        let probe = try Self.step(
            &life, StepRequest(command: ["x"], workdir: "/w", nodes: 1, tasks: 1, nodelist: ["b"]))
        #expect(probe.nodes == ["b"] && probe.tasks.count == 1)
        let three = try Self.step(&life, StepRequest(command: ["x"], workdir: "/w", tasks: 3))
        #expect(three.tasksPerNode == [2, 1])
        let split = try Self.step(&life, StepRequest(command: ["x"], workdir: "/w", tasksPerNode: 4, gpusPerTask: 1))
        #expect(split.tasks.count == 8 && split.tasks[5].gpus.count == 1 && split.tasks[0].gpus != split.tasks[1].gpus)
        #expect(throws: LifecycleError.invalid(field: "nodes", "must be 1 to 2 (the job's allocation), got 3")) {
            _ = try life.launchStep(
                1, epoch: 1, StepRequest(command: ["x"], workdir: "/w", nodes: 3), by: Self.alice, now: 3)
        }
        #expect(throws: LifecycleError.self) {
            _ = try life.launchStep(
                1, epoch: 1, StepRequest(command: ["x"], workdir: "/w", nodelist: ["c"]), by: Self.alice, now: 3)
        }
        #expect(throws: LifecycleError.self) {
            _ = try life.launchStep(
                1, epoch: 1, StepRequest(command: ["x"], workdir: "/w", tasksPerNode: 2, gpusPerTask: 3),
                by: Self.alice, now: 3)
        }
    }

    @Test func onlyTheOwnerAndTheCurrentAttemptLaunchSteps() throws {
        var life = try Self.runningBatch()
        let request = StepRequest(command: ["x"], workdir: "/w")
        #expect(throws: LifecycleError.self) {
            _ = try life.launchStep(1, epoch: nil, request, by: Principal(user: "bob", admin: false), now: 2)
        }
        #expect(throws: LifecycleError.self) { _ = try life.launchStep(1, epoch: 0, request, by: Self.alice, now: 2) }
    }

    @Test func aFailingStepEndsWithTheHighestTaskExitAndLeavesTheJobRunning() throws {
        var life = try Self.runningBatch()
        let step = try Self.step(&life, StepRequest(command: ["x"], workdir: "/w"))
        Self.finish(&life, step, codes: [0, 2, 0, 1])
        let ended = try life.step(1, step.id, for: Self.alice)
        #expect(ended.exitCode == 2 && ended.env == nil && ended.endedAt == 3)
        #expect(life.jobs[1]?.state == .running)
    }

    @Test func theScriptsExitEndsTheJobAndStopsLiveStepTasksBeforeTheGPUsComeBack() throws {
        var life = try Self.runningBatch()
        let step = try Self.step(&life, StepRequest(command: ["sleep"], workdir: "/w", tasks: 2))
        let directives = life.taskExited(
            TaskRef(job: 1, epoch: 1, rank: 0), on: "a", exitCode: 5, reason: nil, at: 4, now: 4)
        #expect(life.jobs[1]?.state == .failed && life.jobs[1]?.exitCode == 5)
        #expect(directives.contains { if case .kill(1, 1, ["a", "b"], _) = $0 { true } else { false } })
        #expect(life.holding == [1])
        Self.finish(&life, step, codes: [143, 143], at: 5)
        #expect(life.holding.isEmpty && life.snapshot?.cluster.freeTotal == 16)
    }

    @Test func stepTasksOnANodeThatGoesDownAreLost() throws {
        var life = try Self.runningBatch()
        let step = try Self.step(&life, StepRequest(command: ["x"], workdir: "/w"))
        for (rank, task) in step.tasks.enumerated() {
            _ = life.taskStarted(TaskRef(job: 1, epoch: 1, rank: rank, step: step.id), on: task.node, at: 2, now: 2)
        }
        _ = try life.heartbeat(
            node: "a",
            running: [TaskRef(job: 1, epoch: 1, rank: 0)]
                + [0, 1].map { TaskRef(job: 1, epoch: 1, rank: $0, step: 0) }, now: 8)
        _ = life.tick(now: 12.5)
        let lost = try life.step(1, step.id, for: Self.alice)
        #expect(lost.ranks.map(\.exitCode) == [nil, nil, -1, -1])
        #expect(life.jobs[1]?.state == .running)
    }

    @Test func aStrayStepTaskIsFencedAndAMissingOneIsLost() throws {
        var life = try Self.runningBatch()
        let step = try Self.step(&life, StepRequest(command: ["x"], workdir: "/w", nodelist: ["a"]))
        _ = life.taskStarted(TaskRef(job: 1, epoch: 1, rank: 0, step: 0), on: "a", at: 2, now: 2)
        let directives = try life.heartbeat(
            node: "a", running: [TaskRef(job: 1, epoch: 1, rank: 0), TaskRef(job: 1, epoch: 1, rank: 0, step: 7)],
            now: 3)
        #expect(directives.contains { if case .fence("a", _, _) = $0 { true } else { false } })
        #expect(try life.step(1, step.id, for: Self.alice).ranks.map(\.exitCode) == [-1, nil])
    }
}
