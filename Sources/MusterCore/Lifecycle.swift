import HeapModule

/// The life of every job, attempt and node, as one value: events go in with the time, directives come out.
///
/// In the manner of `SWIM.Instance`: no I/O, no clock of its own, no randomness. The live controller feeds it
/// HTTP requests, agent reports and ticks, commits the `storeJobs`/`storeNodes` directives, then carries out the
/// rest; the simulator feeds it arrivals and completions and turns `assign` into completion events. So a rule
/// about a job's life (how it ends, when a node is lost, what is fenced) is written once, here.
///
/// Handlers are in `Lifecycle+Jobs.swift` (submit, cancel, plan, ends), `Lifecycle+Nodes.swift` (register,
/// heartbeat, reports, tick) and `Lifecycle+Snapshot.swift` (the scheduler's view of the nodes).
public struct Lifecycle: Sendable {
    public let config: LifecycleConfig
    let scheduler: Scheduler
    /// Every job still known: the active ones, and ended ones until `forgetEnded` (the controller keeps them
    /// `keepEnded`, the simulator not at all).
    public internal(set) var jobs: [JobID: Job] = [:]
    /// Ids of `jobs`, ascending (when `retainEnded`).
    public internal(set) var jobOrder: [JobID] = []
    /// Ended jobs to forget once `config.keepEnded` has passed (`forgetEnded`), earliest first, and their ids.
    var forgetQueue = Heap<ForgetEntry>()
    var forgetQueued: Set<JobID> = []
    /// Pending and running jobs.
    public internal(set) var active: Set<JobID> = []
    public internal(set) var nodes: [String: Node] = [:]
    /// The scheduler's view: free capacity of the schedulable nodes, the queue, the attempts holding GPUs.
    public internal(set) var snapshot: Snapshot?
    /// Jobs whose latest attempt still holds GPUs (some rank has not exited).
    public internal(set) var holding: Set<JobID> = []
    /// The next id `submit` hands out.
    public internal(set) var nextJobID: JobID = 1
    public internal(set) var planningPasses = 0
    /// Nodes by when they were last heard from, for heartbeat deadlines without walking every node.
    var heard = HeardQueue()
    /// Start and time-limit deadlines of attempts holding GPUs (live clusters only).
    var attemptDeadlines = Heap<AttemptDeadline>()
    /// Node → jobs whose attempt holding GPUs has a rank there (live clusters only).
    var holdingOn: [String: Set<JobID>] = [:]
    /// Nodes declared down since start (silent past the heartbeat timeout): a busy controller must not inflate it.
    public internal(set) var nodesDeclaredDown = 0
    /// Reservations the scheduler made across all passes (backfill's head-of-queue promises).
    public internal(set) var reservationsMade = 0
    /// Every node (up or not), for the "can this job ever fit" check at submit; rebuilt lazily (`capacityStale`),
    /// so registering 125,000 nodes does not rebuild it 125,000 times.
    var capacity: Cluster?
    var capacityStale = false
    var nodeIndex: [String: Int32] = [:]
    /// Nodes were added or their inventory changed since the snapshot was built: the next planning pass rebuilds
    /// it (no sooner than `rebuildGap` after the last rebuild). A node going down, drained, resumed or back up
    /// changes the snapshot in place instead (`Snapshot.withdraw`, `restore`).
    var nodesChanged = false
    /// When the snapshot was last rebuilt (the clock's time).
    var lastRebuild = -Double.greatestFiniteMagnitude
    /// The simulator's fixed cluster: no registrations, no heartbeats.
    let isStatic: Bool
    /// (owner, key) → job, for idempotent submits.
    var idempotency: [String: JobID] = [:]
    /// `MASTER_PORT`s held by running attempts, by the address of their rank 0's node (nodes that share an
    /// address, as `muster up`'s agents do, share its ports).
    var portsInUse: [String: Set<Int>] = [:]
    /// Pending jobs held out of the queue until their dependencies are satisfied.
    public internal(set) var held: Set<JobID> = []
    /// Job → the held jobs that depend on it.
    var dependents: [JobID: [JobID]] = [:]
    /// Capped job arrays (by their first task's id) with unfinished tasks.
    var arrays: [JobID: ArraySlots] = [:]
    /// Services by name (stopped ones kept for their history).
    public internal(set) var services: [String: Service] = [:]
    /// Requeued jobs waiting out their backoff: the time each may start again (not stored: after a restart they
    /// may start at once).
    var notBefore: [JobID: Double] = [:]
    /// Why each job left in the queue by the last planning pass waits, and that pass's time (`explainWaits`).
    public internal(set) var waits: [JobID: WaitReason] = [:]
    var waitsAt: Seconds = 0
    /// Classes, teams and preemption in force (`reload` changes them); nil: none.
    public internal(set) var sharing: SharingPolicy?
    /// Team names to indices (the quotas of `sharing`, nothing charged).
    var teamTable: Quotas?
    /// Each team's decayed past use.
    public internal(set) var fairShare = FairShare(teams: 0, halfLife: 1)
    /// Preemptors started whose victims still hold their GPUs: assigned once every one has stopped.
    public internal(set) var awaitingVictims: [JobID: Set<JobID>] = [:]
    /// Preemptions since start.
    public internal(set) var preemptionsMade = 0
    /// Attempts started since start, and jobs ended by their final state (`/metrics` counts them).
    public internal(set) var attemptsStarted = 0
    public internal(set) var jobsEnded: [JobState: Int] = [:]
    /// The jobs the last planning pass preempted (the simulator charges their lost work).
    public internal(set) var preemptedInLastPass: [JobID] = []

    /// The hot spares in force: the sharing policy's (`[spares]`), else the config's; nil when none or a zero share.
    var sparePolicy: SparePolicy? {
        guard let policy = sharing?.spares ?? config.spares, policy.share > 0 else { return nil }
        return policy
    }

    /// A lifecycle whose nodes register and heartbeat (the live controller).
    public init(config: LifecycleConfig) {
        self.config = config
        scheduler = Scheduler(policy: config.policy)
        isStatic = false
        useSharing(config.sharing)
    }

    /// A lifecycle over a fixed cluster (the simulator): every node is up for good.
    public init(cluster: Cluster, config: LifecycleConfig) {
        self.config = config
        scheduler = Scheduler(policy: config.policy)
        isStatic = true
        snapshot = Snapshot(cluster: cluster)
        capacity = cluster
        useSharing(config.sharing)
        if let sharing = config.sharing {
            snapshot!.sharing = SharingState(policy: sharing, cluster: cluster)
        }
        if let spares = sparePolicy { snapshot!.spares = SparePool(policy: spares, cluster: &snapshot!.cluster) }
        for i in 0..<cluster.nodeCount { nodeIndex[cluster.nodeNames[i]] = Int32(i) }
    }

    /// Rebuilds the lifecycle from stored rows after a restart. Nodes get a whole heartbeat timeout to be heard
    /// from again. A stored job that today's rules refuse (a bound tightened since it was accepted, a row
    /// damaged) is failed with the reason, never crashed on. The directives store those changes and re-send what
    /// may not have reached the agents: assignments of ranks not yet started, kills of attempts that ended while
    /// ranks still ran.
    public static func restore(
        config: LifecycleConfig, jobs stored: [Job], nodes storedNodes: [Node], services: [Service] = [],
        nextJobID: JobID = 1, endedUse: [EndedUse]? = nil, now: Double
    ) -> (Lifecycle, [Directive]) {
        var lifecycle = Lifecycle(config: config)
        lifecycle.nextJobID = max(1, nextJobID)
        var directives: [Directive] = []
        for var node in storedNodes.sorted(by: { $0.name < $1.name }) {
            node.lastHeard = max(node.lastHeard.isFinite ? node.lastHeard : now, now)
            lifecycle.nodes[node.name] = node
            if node.health != .down { lifecycle.heard.heard(node.name, at: node.lastHeard) }
        }
        var refused: [JobID] = []
        var unstarted: [JobID] = []
        for var job in stored.sorted(by: { $0.id < $1.id }) {
            guard lifecycle.jobs[job.id] == nil, job.id > 0 else { continue }
            lifecycle.nextJobID = max(lifecycle.nextJobID, job.id &+ 1)
            if !job.state.isTerminal, let problem = Self.loadProblem(job) {
                job.restore(state: .failed)
                job.endTime = now
                job.exitCode = -1
                job.reason = "refused when the controller restarted: \(problem)"
                if var attempt = job.attempt {
                    for r in attempt.ranks.indices where !attempt.ranks[r].exited {
                        attempt.ranks[r].exitCode = -1
                        attempt.ranks[r].exitedAt = now
                    }
                    job.attempt = attempt
                }
                refused.append(job.id)
            }
            lifecycle.jobs[job.id] = job
            lifecycle.jobOrder.append(job.id)
            if let key = job.idempotencyKey { lifecycle.idempotency[Self.idempotencyKey(job.owner, key)] = job.id }
            if !job.state.isTerminal { lifecycle.active.insert(job.id) }
            if let attempt = job.attempt, attempt.hasLiveRanks, job.state != .pending || job.restarts > 0 {
                // Running, ended while ranks still ran, or requeued while its last attempt still stops.
                lifecycle.startHolding(job.id, attempt)
                lifecycle.portsInUse[lifecycle.portHost(attempt.nodes[0]), default: []].insert(attempt.masterPort)
                if job.state == .running {
                    if attempt.ranks.allSatisfy({ !$0.started }) {
                        unstarted.append(job.id)
                    } else {
                        directives.append(.assign(job.id, epoch: attempt.epoch))
                    }
                    for step in lifecycle.stepsToResend(job) {
                        directives.append(.assignStep(job.id, epoch: attempt.epoch, step: step))
                    }
                } else {
                    directives.append(
                        .kill(
                            job.id, epoch: attempt.epoch, nodes: attempt.nodesWithLiveRanks,
                            reason: job.reason ?? "job ended"))
                }
            }
        }
        // A preemptor not started yet waits again for the victims still stopping on its GPUs.
        for id in unstarted {
            let stopping = lifecycle.stoppingAttempts(overlapping: id)
            if stopping.isEmpty {
                directives.append(.assign(id, epoch: lifecycle.jobs[id]!.epoch))
            } else {
                lifecycle.awaitingVictims[id] = stopping
            }
        }
        for id in lifecycle.jobOrder where !lifecycle.active.contains(id) && !lifecycle.holding.contains(id) {
            lifecycle.queueForgetting(id, at: now)
        }
        if !refused.isEmpty { directives.insert(.storeJobs(refused), at: 0) }
        lifecycle.nodesChanged = true
        // Dependencies last: every job they name is loaded by now. One that ended while the controller was down
        // releases or cancels its dependents here.
        lifecycle.rebuildArraySlots()
        for id in lifecycle.active.sorted() {
            guard let job = lifecycle.jobs[id], job.state == .pending,
                !job.dependencies.isEmpty || lifecycle.arrayWait(job) != nil || lifecycle.holding.contains(id)
            else { continue }
            lifecycle.hold(id, on: job.dependencies)
        }
        for id in lifecycle.held.sorted() { lifecycle.recheckHeld(id, at: now, &directives) }
        lifecycle.purgeAttemptDeadlines()
        lifecycle.rebuildSnapshot()
        lifecycle.recountFairShare(now: now, endedUse: endedUse)
        // Services last: a replica whose job ended while the controller was down gets a new one.
        for var service in services where lifecycle.services[service.spec.name] == nil {
            service.ready = []
            lifecycle.services[service.spec.name] = service
        }
        lifecycle.reconcileServices(at: now, &directives)
        directives.append(.wake)
        return (lifecycle, directives)
    }

    /// What makes a stored unfinished job unacceptable today, or nil.
    static func loadProblem(_ job: Job) -> String? {
        do {
            try job.spec.validate()
        } catch {
            return error.description
        }
        if job.tasksPerNode < 1 || job.tasksPerNode > Self.maxTasksPerNode {
            return "tasks_per_node must be 1 to \(Self.maxTasksPerNode), got \(job.tasksPerNode)"
        }
        guard job.shape.nodes >= 1, job.shape.nodes <= JobSpec.Limits.maxNodes, job.shape.gpusPerNode >= 0,
            job.shape.gpusPerNode <= JobSpec.Limits.maxGPUsPerNode
        else { return "stored gang shape \(job.shape) is out of range" }
        if job.state == .running {
            guard let attempt = job.attempt else { return "running without an attempt" }
            guard attempt.nodes.count == job.shape.nodes, attempt.gpus.count == attempt.nodes.count,
                attempt.tasksPerNode == job.tasksPerNode,
                attempt.ranks.count == (attempt.isBatch ? 1 : job.shape.nodes * job.tasksPerNode)
            else { return "its attempt does not match its shape \(job.shape)" }
        }
        return nil
    }

    /// Most processes one job may start per node.
    public static let maxTasksPerNode = 1024

    static func idempotencyKey(_ owner: String, _ key: String) -> String { owner + "\u{0}" + key }

    // MARK: Queries

    /// A job, if `principal` may see it.
    public func job(_ id: JobID, for principal: Principal) throws(LifecycleError) -> Job {
        guard let job = jobs[id] else { throw .notFound("no job \(id); muster queue --all lists your jobs") }
        guard principal.owns(job.owner) else {
            throw .forbidden("job \(id) belongs to another user; only its owner or an admin may see or change it")
        }
        return job
    }

    /// Why pending job `id` has not started, in words: what holds it (a dependency, an array's cap), or what the
    /// last planning pass found (reserved, no room, would delay a reservation); nil when it is not pending.
    /// A job whose last attempt was preempted says so first: by which job, when and why.
    public func why(_ id: JobID) -> String? {
        guard let job = jobs[id] else { return nil }
        var preempted: String?
        if let p = job.preemption, p.epoch == job.epoch {
            preempted = "preempted by \(name(of: p.by)) at \(Self.clock(p.at)): \(p.reason)"
        }
        guard job.state == .pending else { return job.state == .preempted ? preempted : nil }
        if let ref = job.replica {
            let text = whyPending(job)
            return "replica \(ref.index) of service \(ref.service) waits: "
                + (preempted.map { "\($0); now pending: \(text)" } ?? text)
        }
        return preempted.map { "\($0); now pending: \(whyPending(job))" } ?? whyPending(job)
    }

    /// What holds pending `job` now, in words.
    func whyPending(_ job: Job) -> String {
        let id = job.id
        var now: String
        if let reason = job.reason, !reason.hasPrefix("preempted by") {
            now = reason
        } else if let wait = waits[id] {
            now = wait.description(now: waitsAt)
        } else if job.reason != nil, holding.contains(id) {
            now = "its ranks are stopping"
        } else {
            now = "queued; no planning pass has considered it yet"
        }
        return now
    }

    /// "t=12.5" style time for messages: seconds of the lifecycle's clock (Unix time on a live cluster).
    static func clock(_ t: Double) -> String {
        guard t.isFinite else { return "\(t)" }
        return t == t.rounded() && abs(t) < 1e15 ? "t=\(Int(t))" : "t=\(t)"
    }

    /// The earliest time at which `tick` has something to do (a node to declare down, a start or time limit
    /// to enforce), or nil when nothing is due: the shell sleeps until then or until an event.
    /// - Complexity: O(1) for nodes (`HeardQueue`) and attempts (`attemptDeadlines`, whose top is kept valid), plus
    ///   the requeued jobs in backoff.
    public func nextDeadline() -> Double? {
        var earliest: Double?
        func consider(_ t: Double) { earliest = min(earliest ?? t, t) }
        if !isStatic, let first = heard.first { consider(first.time + config.heartbeatTimeout) }
        for t in notBefore.values { consider(t) }
        if let next = attemptDeadlines.min { consider(next.time) }
        if let next = forgetQueue.min { consider(next.due) }
        // Added nodes wait for the next rebuild when a large cluster rebuilt recently (`rebuildGap`).
        if nodesChanged, !isStatic, rebuildGap > 0 { consider(lastRebuild + rebuildGap) }
        return earliest
    }

    /// Job `id`'s attempt now holds GPUs: indexed by node, and its deadlines watched (live clusters).
    mutating func startHolding(_ id: JobID, _ attempt: Attempt) {
        holding.insert(id)
        guard !isStatic else { return }
        for node in attempt.nodes { holdingOn[node, default: []].insert(id) }
        attemptDeadlines.insert(
            AttemptDeadline(
                time: attempt.scheduledAt + config.startTimeout, job: id, epoch: attempt.epoch, kind: .start))
        watchTimeLimit(id)
    }

    /// Watches the time limit of job `id`'s current attempt (again, when its start time moved it).
    mutating func watchTimeLimit(_ id: JobID) {
        guard !isStatic, let job = jobs[id], job.state == .running, let attempt = job.attempt else { return }
        attemptDeadlines.insert(
            AttemptDeadline(time: timeLimitDeadline(job, attempt), job: id, epoch: attempt.epoch, kind: .limit))
    }

    /// Job `id`'s attempt no longer holds GPUs.
    mutating func stopHolding(_ id: JobID, _ attempt: Attempt?) {
        holding.remove(id)
        guard !isStatic, let attempt else { return }
        for node in attempt.nodes {
            holdingOn[node]?.remove(id)
            if holdingOn[node]?.isEmpty == true { holdingOn.removeValue(forKey: node) }
        }
    }

    /// Whether a deadline entry still means something: its attempt is current and in the state it watches.
    func isCurrent(_ deadline: AttemptDeadline) -> Bool {
        guard holding.contains(deadline.job), let job = jobs[deadline.job], let attempt = job.attempt,
            attempt.epoch == deadline.epoch
        else { return false }
        switch deadline.kind {
        case .start:
            return awaitingVictims[deadline.job] == nil && deadline.time == attempt.scheduledAt + config.startTimeout
                && attempt.ranks.contains { !$0.started && !$0.exited }
        case .limit:
            return job.state == .running && deadline.time == timeLimitDeadline(job, attempt)
        }
    }

    /// Drops entries that no longer mean anything from the top, so `nextDeadline` reads a real one.
    mutating func purgeAttemptDeadlines() {
        while let top = attemptDeadlines.min, !isCurrent(top) { _ = attemptDeadlines.removeMin() }
    }

    /// When the controller ends a running attempt that its agents have not stopped at its time limit.
    func timeLimitDeadline(_ job: Job, _ attempt: Attempt) -> Double {
        (attempt.startedAt ?? attempt.scheduledAt) + Double(job.spec.timeLimit) + config.killGrace
            + config.timeLimitSlack
    }
}
