import Foundation
import MusterCore
import MusterStore
import Testing

/// What every `Store` backend must do, written once: the SQLite store runs it now (`SQLiteStoreTests`), the
/// PostgreSQL store of a later issue runs the same checks. Each check gets `open`, which opens the *same* database
/// every time it is called (as a restarted controller would), so durability across reopening is checked too.
struct StoreConformance {
    /// Opens the database under test; a second call opens the same database again.
    let open: @Sendable () async throws -> any Store

    /// A new database holds nothing and is at a schema version.
    func emptyStoreLoadsNothing() async throws {
        let store = try await open()
        let state = try await store.load()
        #expect(state.jobs.isEmpty)
        #expect(state.nodes.isEmpty)
        #expect(state.tokens.isEmpty)
        #expect(state.unreadable.isEmpty)
        #expect(try await !store.schemaVersion().isEmpty)
    }

    /// Every field of every record comes back as written, in the documented order (jobs by id, nodes by name).
    func committedRowsLoadBackEqual() async throws {
        let store = try await open()
        let jobs = Self.sampleJobs()
        let nodes = Self.sampleNodes()
        let tokens = Self.sampleTokens()
        // Written out of order, in two batches.
        try await store.commit(StoreBatch(jobs: jobs.reversed(), nodes: nodes.reversed()))
        try await store.commit(StoreBatch(tokens: tokens))
        let state = try await store.load()
        try await Self.expectJobs(store, state, jobs)
        #expect(state.nodes == nodes)
        #expect(Set(state.tokens) == Set(tokens))
        #expect(state.unreadable.isEmpty)
    }

    /// `load` holds the live jobs of `jobs` and the highest id; `jobs(ids:)` returns every one of them whole.
    static func expectJobs(_ store: any Store, _ state: StoredState, _ jobs: [Job]) async throws {
        let ordered = jobs.sorted { $0.id < $1.id }
        #expect(state.jobs == ordered.filter { !$0.state.isTerminal || $0.attempt?.hasLiveRanks == true })
        #expect(state.maxJobID == ordered.last?.id ?? 0)
        #expect(try await store.jobs(ids: ordered.map(\.id).reversed() + [999_999]) == ordered)
    }

    /// A start reads only live jobs (pending, running, or ended with processes that may still run); ended ones
    /// are read by id, by idempotency key and page by page, newest first, filtered as `muster history` filters.
    func startLoadsOnlyLiveJobsAndEndedOnesAreReadWhenAsked() async throws {
        let store = try await open()
        var jobs: [Job] = []
        for id in 1...40 as ClosedRange<JobID> {
            var job = Self.job(id: id, owner: id % 2 == 0 ? "alice" : "bob")
            if id % 4 != 0 {
                job.restore(state: id % 3 == 0 ? .failed : .completed)
                job.endTime = 1_000 + Double(id)
            }
            if id == 33 { job.idempotencyKey = "run-33" }
            jobs.append(job)
        }
        // Ended, but a rank may still run: live.
        var stopping = try #require(Self.sampleJobs().first { $0.attempt?.hasLiveRanks == true })
        stopping.id = 41
        stopping.restore(state: .failed)
        stopping.endTime = 2_000
        jobs.append(stopping)
        try await store.commit(StoreBatch(jobs: jobs))
        let state = try await store.load()
        #expect(state.jobs.map(\.id) == [4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 41])
        #expect(state.maxJobID == 41)
        #expect(try await store.jobs(ids: [3, 5, 100]).map(\.id) == [3, 5])
        #expect(try await store.job(owner: "bob", idempotencyKey: "run-33")?.id == 33)
        #expect(try await store.job(owner: "alice", idempotencyKey: "run-33") == nil)
        let page = try await store.endedJobs(HistoryQuery(user: "bob", states: ["completed"], before: 30, limit: 3))
        #expect(page.map(\.id) == [29, 25, 23])
        let since = try await store.endedJobs(HistoryQuery(since: 1_038, limit: 100))
        #expect(since.map(\.id) == [41, 39, 38])
        // A job that ends is no longer loaded; the highest id stays known when ended jobs are purged.
        var last = jobs[39]
        last.restore(state: .completed)
        last.endTime = 1_040
        try await store.commit(StoreBatch(jobs: [last]))
        #expect(try await store.load().jobs.map(\.id) == [4, 8, 12, 16, 20, 24, 28, 32, 36, 41])
        if let accounting = store as? any AccountingStore {
            #expect(try await accounting.purgeEnded(before: 10_000) == 31, "not the live 41")
            let reopened = try await open()
            #expect(try await reopened.load().maxJobID == 41)
        }
    }

    /// Fair share's past use at a start: GPU-seconds of jobs ended since a time, by team and window of end time.
    func endedUseSumsGPUSecondsByTeamAndWindow() async throws {
        let store = try await open()
        func ended(_ id: JobID, team: String, gpus: Int, ran: Double, end: Double) -> Job {
            var job = Job(
                id: id, spec: JobSpec(name: "j\(id)", gpus: gpus, timeLimit: 600, team: team),
                shape: GangShape(nodes: 1, gpusPerNode: gpus), owner: "alice", launch: nil, state: .completed,
                submittedAt: 0)
            var attempt = Attempt(
                epoch: 1, nodes: ["n"], gpus: [Array(0..<gpus)], tasksPerNode: 1, scheduledAt: end - ran,
                masterPort: 20_000)
            attempt.startedAt = end - ran
            attempt.ranks[0] = RankState(started: true, exitCode: 0, exitedAt: end)
            job.attempt = attempt
            job.endTime = end
            return job
        }
        try await store.commit(
            StoreBatch(jobs: [
                ended(1, team: "a", gpus: 2, ran: 100, end: 1_005), ended(2, team: "a", gpus: 1, ran: 50, end: 1_015),
                ended(3, team: "b", gpus: 4, ran: 10, end: 1_007), ended(4, team: "a", gpus: 8, ran: 10, end: 900),
                Self.job(id: 5, owner: "alice"),
            ]))
        let uses = try await store.endedUse(since: 1_000, window: 10).sorted { ($0.team, $0.end) < ($1.team, $1.end) }
        #expect(
            uses == [
                EndedUse(team: "a", end: 1_005, gpuSeconds: 200), EndedUse(team: "a", end: 1_015, gpuSeconds: 50),
                EndedUse(team: "b", end: 1_005, gpuSeconds: 40),
            ])
    }

    /// A service's whole record comes back as written, and a later commit of the same name replaces it.
    func servicesRoundTrip() async throws {
        let store = try await open()
        var service = Service(
            spec: ServiceSpec(
                name: "embed", replica: JobSpec(gpus: 8, timeLimit: 3_600, priority: .critical), tasksPerNode: 2,
                launch: JobLaunch(command: ["python3", "serve.py"], workdir: "/srv", env: ["A": "é\n"]),
                autoscale: AutoscalePolicy(minReplicas: 0, maxReplicas: 4, targetInflight: 3), maxInflight: 8),
            owner: "alice", createdAt: 12.5, desired: 2)
        service.replicas = [0: 7, 1: 9]
        service.ready = [7]
        service.failures = [1: 2]
        service.note("created with 2 replica(s)", at: 12.5)
        try await store.commit(StoreBatch(services: [service]))
        #expect(try await store.load().services == [service])
        service.stopped = true
        service.desired = 0
        try await store.commit(StoreBatch(services: [service]))
        let reopened = try await open()
        #expect(try await reopened.load().services == [service])
    }

    /// A batch script's attempt and its steps (srun) come back whole: layout, task states, srun's environment
    /// while a step runs and none once it ended; a later commit with a new step replaces the row.
    func batchAttemptStepsRoundTrip() async throws {
        let store = try await open()
        var job = Job(
            id: 40, spec: JobSpec(name: "sbatch", gpus: 4, nodes: 2, gpusPerNode: 2, timeLimit: 600),
            shape: GangShape(nodes: 2, gpusPerNode: 2), tasksPerNode: 2, owner: "alice",
            launch: JobLaunch(command: [], script: "#!/bin/bash\nsrun hostname\n", workdir: "/home/alice"),
            state: .running, submittedAt: 1)
        var attempt = Attempt(
            epoch: 2, nodes: ["gpu-001", "gpu-002"], gpus: [[0, 1], [2, 3]], tasksPerNode: 2, scheduledAt: 2,
            masterPort: 20_001, batch: true)
        attempt.ranks[0] = RankState(started: true)
        var ended = Step(
            id: 0, command: ["hostname"], workdir: "/home/alice", env: [:], nodes: ["gpu-002"],
            tasks: [StepTask(node: "gpu-002", nodeIndex: 0, local: 0, gpus: [2])], cpusPerTask: 4, launchedAt: 3.5)
        ended.ranks[0] = RankState(started: true, exitCode: 3, exitedAt: 4.25)
        ended.exitCode = 3
        ended.endedAt = 4.25
        ended.env = nil
        let running = Step(
            id: 1, command: ["python3", "train.py"], workdir: "/home/alice/run", env: ["PATH": "/bin", "X": "é\n"],
            nodes: ["gpu-001", "gpu-002"],
            tasks: [
                StepTask(node: "gpu-001", nodeIndex: 0, local: 0, gpus: [0, 1]),
                StepTask(node: "gpu-002", nodeIndex: 1, local: 0, gpus: [2, 3]),
            ], cpusPerTask: nil, launchedAt: 5)
        attempt.steps = [ended]
        job.attempt = attempt
        try await store.commit(StoreBatch(jobs: [job]))
        #expect(try await store.jobs(ids: [40]) == [job])
        job.attempt!.steps!.append(running)
        job.attempt!.steps![1].ranks[1] = RankState(started: true)
        try await store.commit(StoreBatch(jobs: [job]))
        let reopened = try await open()
        let loaded = try await reopened.jobs(ids: [40])
        #expect(loaded == [job])
        #expect(loaded.first?.attempt?.isBatch == true && loaded.first?.attempt?.ranks.count == 1)
    }

    /// A later commit of the same key replaces the row; other rows are untouched.
    func laterCommitReplacesByKey() async throws {
        let store = try await open()
        var jobs = Self.sampleJobs()
        var nodes = Self.sampleNodes()
        var tokens = Self.sampleTokens()
        try await store.commit(StoreBatch(jobs: jobs, nodes: nodes, tokens: tokens))
        jobs[0].restore(state: .cancelled)
        jobs[0].endTime = 99.5
        jobs[0].reason = "cancelled by alice"
        nodes[1].health = .down
        nodes[1].lastHeard = 1234.25
        tokens[0].revoked = true
        try await store.commit(StoreBatch(jobs: [jobs[0]], nodes: [nodes[1]], tokens: [tokens[0]]))
        let state = try await store.load()
        try await Self.expectJobs(store, state, jobs)
        #expect(state.nodes == nodes)
        #expect(Set(state.tokens) == Set(tokens))
    }

    /// What was committed is there after the store is opened again; the schema version does not move.
    func rowsSurviveReopening() async throws {
        let version: String
        do {
            let store = try await open()
            try await store.commit(
                StoreBatch(jobs: Self.sampleJobs(), nodes: Self.sampleNodes(), tokens: Self.sampleTokens()))
            version = try await store.schemaVersion()
        }
        let reopened = try await open()
        let state = try await reopened.load()
        try await Self.expectJobs(reopened, state, Self.sampleJobs())
        #expect(state.nodes == Self.sampleNodes())
        #expect(Set(state.tokens) == Set(Self.sampleTokens()))
        #expect(try await reopened.schemaVersion() == version)
    }

    /// Many commits at once from many tasks: every one lands, none is lost or torn.
    func concurrentCommitsAllLand() async throws {
        let store = try await open()
        let writers = 16
        let perWriter = 25
        try await withThrowingTaskGroup(of: Void.self) { group in
            for w in 0..<writers {
                group.addTask {
                    for i in 0..<perWriter {
                        let id = JobID(w * perWriter + i + 1)
                        try await store.commit(StoreBatch(jobs: [Self.job(id: id, owner: "writer\(w)")]))
                    }
                }
            }
            try await group.waitForAll()
        }
        let state = try await store.load()
        #expect(state.jobs.count == writers * perWriter)
        #expect(state.jobs.map(\.id) == (1...JobID(writers * perWriter)).map { $0 })
        for job in state.jobs {
            let w = Int(job.id - 1) / perWriter
            #expect(job == Self.job(id: job.id, owner: "writer\(w)"))
        }
    }

    /// One batch with thousands of rows commits whole (the controller's group commit sends such batches).
    func largeBatchCommitsWhole() async throws {
        let store = try await open()
        let jobs = (1...5_000).map { Self.job(id: JobID($0), owner: "u\($0 % 7)") }
        try await store.commit(StoreBatch(jobs: jobs))
        let state = try await store.load()
        try await Self.expectJobs(store, state, jobs)
    }

    /// Text that SQL or JSON could mangle (quotes, backslashes, newlines, non-ASCII, long values) round-trips.
    func awkwardTextRoundTrips() async throws {
        let store = try await open()
        var job = Self.job(id: 7, owner: "o'brien")
        job.spec.name = "it's a \"job\" \\ ünïcødé ✓"
        job.launch = JobLaunch(
            command: ["sh", "-c", "echo '$HOME' \"\\n\"; exit 3", String(repeating: "x", count: 100_000)],
            script: "#!/bin/bash\n#SBATCH --gpus=1\necho 'hi'\n", workdir: "/home/o'brien/dir with spaces",
            env: ["A": "1;DROP TABLE job;--", "B": "line1\nline2", "EMPTY": "", "UNI": "日本語"],
            output: "/tmp/out-%j-%t.log", export: .none)
        job.reason = "rank 0 exited with code 3: \"quoted\"\n"
        job.idempotencyKey = "key with 'quotes'"
        try await store.commit(StoreBatch(jobs: [job]))
        #expect(try await store.load().jobs == [job])
    }

    // MARK: Fixtures

    /// Rows for the `v7` backfill: pending (1), ended (2), ended with a rank that may still run (3), ended with
    /// a step task that may still run (4). A start after the backfill loads 1, 3 and 4.
    static func backfillJobs() throws -> [Job] {
        let pending = job(id: 1, owner: "alice")
        var ended = job(id: 2, owner: "alice")
        ended.restore(state: .completed)
        ended.endTime = 5
        var rankLeft = try #require(sampleJobs().first { $0.attempt?.hasLiveRanks == true })
        rankLeft.id = 3
        rankLeft.restore(state: .failed)
        rankLeft.endTime = 6
        var stepLeft = try #require(sampleJobs().first { $0.state == .completed && $0.attempt != nil })
        stepLeft.id = 4
        let node = stepLeft.attempt!.nodes[0]
        var step = Step(
            id: 0, command: ["hostname"], workdir: "/", env: [:], nodes: [node],
            tasks: [StepTask(node: node, nodeIndex: 0, local: 0, gpus: [0])], cpusPerTask: nil, launchedAt: 3)
        step.ranks[0] = RankState(started: true)
        stepLeft.attempt!.steps = [step]
        #expect(!stepLeft.attempt!.ranks.contains { !$0.exited } && stepLeft.attempt!.hasLiveRanks)
        return [pending, ended, rankLeft, stepLeft]
    }

    /// A plain pending job.
    static func job(id: JobID, owner: String) -> Job {
        Job(
            id: id, spec: JobSpec(name: "job-\(id)", gpus: 2, timeLimit: 600),
            shape: GangShape(nodes: 1, gpusPerNode: 2),
            owner: owner,
            launch: JobLaunch(
                command: ["python3", "train.py", "--id", "\(id)"], workdir: "/work", env: ["K": "\(id)"]),
            submittedAt: Double(id) + 0.5)
    }

    /// Jobs in every state, with attempts, launches and keys, ids ascending.
    static func sampleJobs() -> [Job] {
        var pending = job(id: 1, owner: "alice")
        pending.idempotencyKey = "0f3c2a"
        pending.dependencies = [JobDependency(.afterok, 3), JobDependency(.afterany, 4)]

        var running = Job(
            id: 2,
            spec: JobSpec(
                name: "gang", gpus: 16, nodes: 2, gpusPerNode: 8, timeLimit: 86_400, team: "llm",
                priority: .high, submitTime: 10),
            shape: GangShape(nodes: 2, gpusPerNode: 8), tasksPerNode: 2, owner: "bob",
            launch: JobLaunch(
                command: [], script: "#!/bin/bash\nsrun python train.py\n", workdir: "/home/bob", env: [:],
                output: "/home/bob/out-%j.log", export: .none),
            state: .running, submittedAt: 10.25)
        var attempt = Attempt(
            epoch: 3, nodes: ["gpu-001", "gpu-002"], gpus: [Array(0..<8), Array(0..<8)], tasksPerNode: 2,
            scheduledAt: 11.5, masterPort: 20_007)
        attempt.startedAt = 12.75
        attempt.ranks[0] = RankState(started: true)
        attempt.ranks[1] = RankState(started: true, exitCode: 0, exitedAt: 40.125)
        attempt.ranks[3] = RankState(started: false, exitCode: -1, exitedAt: 71.5)
        running.attempt = attempt
        running.restarts = 2
        running.maxRestarts = 5
        running.preemptions = 1
        running.preemption = PreemptionRecord(
            by: 9, at: 33.25, reason: "team b reclaims its guarantee", epoch: 1, grace: 30)
        running.noRequeue = true
        running.replica = ReplicaRef(service: "embed", index: 2)

        var completed = job(id: 3, owner: "alice")
        completed.restore(state: .completed)
        var done = Attempt(
            epoch: 1, nodes: ["gpu-003"], gpus: [[4, 5]], tasksPerNode: 1, scheduledAt: 20, masterPort: 20_000)
        done.startedAt = 20.5
        done.ranks[0] = RankState(started: true, exitCode: 0, exitedAt: 80)
        completed.attempt = done
        completed.endTime = 80
        completed.exitCode = 0

        var failed = job(id: 4, owner: "carol")
        failed.restore(state: .failed)
        failed.endTime = 90
        failed.exitCode = -1
        failed.reason = "node gpu-002 stopped answering (no heartbeat for 10 s)"

        var cancelled = job(id: 5, owner: "bob")
        cancelled.restore(state: .cancelled)
        cancelled.endTime = 95
        cancelled.reason = "cancelled by bob"

        cancelled.array = ArrayTask(parent: 5, index: 17, cap: 4)

        var preempted = job(id: 6, owner: "dave")
        preempted.restore(state: .preempted)
        preempted.launch = nil
        return [pending, running, completed, failed, cancelled, preempted]
    }

    /// Nodes in every health, names ascending.
    static func sampleNodes() -> [Node] {
        func node(_ name: String, _ gpus: Int, _ health: NodeHealth, _ heard: Double) -> Node {
            Node(
                inventory: NodeInventory(
                    name: name, gpus: (0..<gpus).map { GPUDevice(index: $0, model: "H100", memoryMiB: 81_559) },
                    cpus: 128, memoryMiB: 2_000_000, leaf: "leaf-1", spine: "spine-0", address: "10.0.0.\(gpus)"),
                health: health, lastHeard: heard)
        }
        var drained = node("gpu-004", 8, .up, 101)
        drained.drainReason = "ECC errors: replace GPU 3"
        return [node("cpu-1", 0, .up, 5), node("gpu-001", 8, .up, 100.5), node("gpu-002", 8, .returning, 99)]
            + [node("gpu-003", 4, .down, 50), drained]
    }

    /// Tokens of every role, one revoked.
    static func sampleTokens() -> [TokenRecord] {
        [
            TokenRecord(hash: String(repeating: "a", count: 64), user: "root", role: .admin, createdAt: 1),
            TokenRecord(hash: String(repeating: "b", count: 64), user: "alice", role: .user, createdAt: 2.5),
            TokenRecord(hash: String(repeating: "c", count: 64), user: "agents", role: .join, createdAt: 3),
            TokenRecord(
                hash: String(repeating: "d", count: 64), user: "bob", role: .user, createdAt: 4, revoked: true),
        ]
    }
}
