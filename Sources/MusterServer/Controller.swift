import Foundation
import Logging
import MusterAPI
import MusterCore
import MusterStore

/// The controller: the shell around the core's `Lifecycle`. It turns requests, agent reports and time into
/// lifecycle events, commits the rows the directives name, and only then carries the directives out (answers,
/// assignments, kills). It holds no job-state logic of its own.
///
/// Correct across `await`: every event mutates the lifecycle synchronously (no suspension inside a handler),
/// and its directives join one FIFO commit queue (`Controller+Commit.swift`). One writer drains the queue, one
/// transaction per group of batches, and carries out each batch's directives in queue order after its commit.
/// So nothing is sent to an agent or answered before it is durable, and the effects of two events are never
/// reordered. If a commit fails, the lifecycle is reloaded from the store (rolled back to what is durable) and
/// the waiting requests get a 503.
public actor Controller {
    let store: any Store
    let config: ControllerConfig
    nonisolated let logger: Logger
    let clock: any ControllerClock
    /// Numbers the agents' mailboxes; a poll that names another instance starts from scratch.
    public nonisolated let instance = UUID().uuidString
    /// What `GET /metrics` reports.
    public nonisolated let metrics = ControllerMetrics()

    var lifecycle: Lifecycle
    /// The classes and teams in force (the config file's, as last loaded).
    var sharing: SharingPolicy
    var mailboxes: [String: Mailbox] = [:]
    /// Each relay's waiting multiplexed long-poll: the nodes it polls for and what it already holds of each.
    var relayWaiters: [String: RelayWaiter] = [:]
    var tokens: TokenRegistry
    /// Signs and checks the step tokens srun uses inside jobs.
    let stepTokens: StepTokens
    /// Directives from `restore` (re-sends, refused jobs), applied when the loop starts.
    var pendingRestore: [Directive]

    // Scheduler loop wake-ups.
    var wakeRequested = false
    var wakeWaiter: CheckedContinuation<Void, Never>?
    var nextWaiterID = 0
    /// Committed job changes, numbered, and the watchers waiting for the next (`muster queue --watch`).
    var changes = JobChangeLog()
    var watchers: [Int: CheckedContinuation<Void, Never>] = [:]

    // The commit queue.
    var commitQueue: [CommitItem] = []
    var committing = false
    /// The jobs of the group being committed now (not yet durable: not to be forgotten yet).
    var committingJobs: Set<JobID> = []
    /// Set while the lifecycle is being reloaded after a failed commit: requests get 503.
    var reloading = false

    /// The last hour or so of utilisation samples (`sampleUtilisation`).
    var utilisation: UtilisationRing

    /// Set once the server stops: long-polls answer at once and nodes are no longer marked down.
    var shuttingDown = false

    /// Planning passes so far (for `muster bench live` and logs).
    public var planningPasses: Int { lifecycle.planningPasses }
    /// Jobs held in memory: the active ones and those ended less than `keepEnded` ago.
    public var jobsInMemory: Int { lifecycle.jobs.count }
    /// Nodes declared down since start.
    public var nodesDeclaredDown: Int { lifecycle.nodesDeclaredDown }

    /// The Prometheus text of `GET /metrics`: the gauges read from the lifecycle now, and every histogram and
    /// counter.
    public func metricsText() -> String {
        metrics.scrape(lifecycle, nodeCounts: nodeCounts())
    }

    /// How many nodes are in each shown state.
    func nodeCounts() -> [String: Int] {
        var counts: [String: Int] = [:]
        for node in lifecycle.nodes.values { counts[node.shownState, default: 0] += 1 }
        return counts
    }

    /// Loads the live state the store holds (not ended jobs: the store answers for those). Jobs that were
    /// running stay running: their agents reconcile them at their next heartbeat.
    public init(
        config: ControllerConfig, store: any Store, logger: Logger, clock: any ControllerClock = SystemClock()
    ) async throws(StoreError) {
        self.config = config
        self.store = store
        self.logger = logger
        self.clock = clock
        sharing = config.sharing
        utilisation = UtilisationRing(capacity: max(1, config.utilisationSamples))
        let (lifecycle, restore, state) = try await Self.loadLifecycle(
            store: store, config: config.lifecycle, now: { [clock] in clock.now() })
        for problem in state.unreadable { logger.error("unreadable row skipped: \(problem)") }
        self.lifecycle = lifecycle
        pendingRestore = restore
        tokens = TokenRegistry(state.tokens)
        stepTokens = StepTokens(dataDir: config.dataDir)
        let summary =
            "\(lifecycle.jobs.count) live jobs (of \(state.maxJobID) ever), \(lifecycle.holding.count) holding GPUs, "
            + "\(lifecycle.nodes.count) nodes, "
            + "\(state.tokens.count) tokens"
        logger.info("controller loaded state: \(summary)")
    }

    // MARK: Jobs

    /// Validates, stores and queues a job; returns its id once it is durable (the same id again for a retry with
    /// the same idempotency key) and whether it was new.
    public func submit(_ request: SubmitRequest, by principal: Principal, idempotencyKey: String?)
        async throws(ControllerError) -> (id: JobID, created: Bool, count: Int)
    {
        try available()
        let (spec, launch, tasks) = try SubmitValidation.spec(
            request, defaultTimeLimit: config.defaultTimeLimit, now: clock.now())
        let dependencies = try SubmitValidation.dependencies(request)
        let array = try SubmitValidation.array(request)
        // A retry of a job that ended and was forgotten, and forgotten jobs this one depends on: from the store.
        if let stored = try await storedRetry(owner: principal.user, key: idempotencyKey) {
            try Self.checkRetry(of: stored, key: idempotencyKey, name: spec.name, launch: launch)
            let count = try await fromStore { () async throws(StoreError) in
                try await Self.storedJobs([stored.id], in: store).count
            }
            return (stored.id, false, max(1, count))
        }
        try await recallDependencies(dependencies)
        try available()
        let now = clock.now()
        let outcome: Lifecycle.SubmitOutcome
        do {
            outcome = try lifecycle.submit(
                spec, tasksPerNode: tasks, owner: principal.user, launch: launch, idempotencyKey: idempotencyKey,
                dependencies: dependencies, array: array, maxRestarts: request.maxRestarts ?? 0,
                noRequeue: request.noRequeue ?? false,
                admin: principal.admin, now: now)
        } catch {
            throw ControllerError(error)
        }
        if !outcome.created, let job = lifecycle.jobs[outcome.id] {
            try Self.checkRetry(of: job, key: idempotencyKey, name: spec.name, launch: launch)
        }
        try await apply(outcome.directives)
        return (outcome.id, outcome.created, outcome.count)
    }

    /// A retry with an idempotency key must ask for the job the key made (same name and launch): 409 otherwise.
    static func checkRetry(of job: Job, key: String?, name: String?, launch: JobLaunch?) throws(ControllerError) {
        guard job.spec.name != name || job.launch != launch else { return }
        throw .conflict(
            "idempotency key '\(key ?? "")' was used for job \(job.id), which differs from this request; use a new "
                + "key for a new job")
    }

    /// One job, if `principal` may see it: from memory, or from the store once it ended and was forgotten.
    public func job(_ id: JobID, for principal: Principal) async throws(ControllerError) -> JobInfo {
        await untilDurable([id])
        let job = try await visibleJob(id, for: principal)
        return JobViews.info(job, why: lifecycle.why(id), dataDir: config.dataDir, now: clock.now(), steps: true)
    }

    /// Most ended jobs from the store in one answer without `limit` (the largest `limit` allowed): `muster queue`
    /// without `--limit` lists everything, as it did when every job was in memory, up to this.
    static let endedPage = 100_000

    /// The jobs `principal` may see, filtered by state, team and owner; `endedSince` keeps only terminal jobs
    /// that ended after it; `limit` keeps the newest. Active and recently ended jobs come from memory, older
    /// ended ones from the store (at most `endedPage` without `limit`; `next_before` pages on).
    public func list(
        for principal: Principal, states: Set<JobState>?, team: String?, user: String?, endedSince: Double?,
        limit: Int?, before: JobID? = nil, node: String? = nil
    ) async throws(ControllerError) -> JobList {
        await untilDurable()
        let stored = try await storedEnded(
            for: principal, states: states, team: team, user: user, endedSince: endedSince, before: before,
            limit: limit ?? Self.endedPage, node: node)
        let now = clock.now()
        let onlyActive = states.map { $0.allSatisfy { !$0.isTerminal } } ?? false
        let ids = onlyActive && endedSince == nil ? lifecycle.active.sorted() : lifecycle.jobOrder
        // Newest first from the cursor, keeping at most `limit`: a page costs what it returns plus what it skips,
        // and only the jobs kept are rendered.
        let end = before.map { before in ids.partitionPoint { $0 < before } } ?? ids.endIndex
        var kept: [Job] = []
        var more = false
        var i = end
        while i > ids.startIndex {
            i -= 1
            guard let job = lifecycle.jobs[ids[i]], principal.owns(job.owner) else { continue }
            if let user, job.owner != user { continue }
            if let states, !states.contains(job.state) {
                guard let endedSince, job.state.isTerminal, (job.endTime ?? 0) >= endedSince else { continue }
            } else if states == nil, let endedSince, job.state.isTerminal, (job.endTime ?? 0) < endedSince {
                continue
            }
            if let team, job.spec.team != team { continue }
            if let node, !(job.attempt?.nodes.contains(node) ?? false) { continue }
            if let limit, kept.count == limit {
                more = true
                break
            }
            kept.append(job)
        }
        // Merged newest first with the store's ended jobs (memory's copy wins), then cut to `limit` again.
        if !stored.jobs.isEmpty {
            var seen = Set(kept.map(\.id))
            kept += stored.jobs.filter { seen.insert($0.id).inserted }
            kept.sort { $0.id > $1.id }
            more = more || stored.more
            if let limit, kept.count > limit {
                kept.removeLast(kept.count - limit)
                more = true
            } else if limit == nil, stored.more, let oldest = stored.jobs.last?.id {
                // Without a limit, memory's older jobs beyond the store's page wait for the next page too.
                kept.removeAll { $0.id < oldest }
            }
        }
        let jobs = kept.reversed().map {
            JobViews.info($0, why: lifecycle.why($0.id), dataDir: config.dataDir, now: now)
        }
        return JobList(jobs: jobs, nextBefore: more ? kept.last?.id : nil, seq: changes.seq)
    }

    /// Most jobs one answer of `jobChanges` carries; a watcher further behind is told to list again.
    static let maxChanges = 10_000

    /// The jobs `principal` may see that changed after change `after`, waiting up to `wait` seconds for a change
    /// when there is none yet (`muster queue --watch`).
    public func jobChanges(after: Int64, wait: Double, for principal: Principal) async -> JobChanges {
        var found = changes.since(after)
        if found.jobs.isEmpty, !found.reset, wait > 0, !shuttingDown {
            nextWaiterID += 1
            let id = nextWaiterID
            let timer = Task { [weak self] in
                try? await Task.sleep(for: .seconds(wait))
                guard !Task.isCancelled else { return }
                await self?.expireWatcher(id)
            }
            await withCheckedContinuation { watchers[id] = $0 }
            timer.cancel()
            found = changes.since(after)
        }
        if found.jobs.count > Self.maxChanges { return JobChanges(seq: found.seq, reset: true, jobs: []) }
        await untilDurable(Set(found.jobs))
        // Jobs forgotten since they changed (a watcher far behind) are read back from the store.
        let forgotten = found.jobs.filter { lifecycle.jobs[$0] == nil }
        var stored: [JobID: Job] = [:]
        if !forgotten.isEmpty, let read = try? await store.jobs(ids: forgotten) {
            for job in read { stored[job.id] = job }
        }
        let now = clock.now()
        let jobs = found.jobs.compactMap { lifecycle.jobs[$0] ?? stored[$0] }.filter { principal.owns($0.owner) }.map {
            JobViews.info($0, why: lifecycle.why($0.id), dataDir: config.dataDir, now: now)
        }
        return JobChanges(seq: found.seq, reset: found.reset, jobs: jobs)
    }

    func expireWatcher(_ id: Int) { watchers.removeValue(forKey: id)?.resume() }

    /// Cancels a pending or running job; its processes get SIGTERM, then SIGKILL after the grace period.
    public func cancel(_ id: JobID, by principal: Principal) async throws(ControllerError) -> JobInfo {
        try available()
        let directives: [Directive]
        do {
            directives = try lifecycle.cancel(id, by: principal, now: clock.now())
        } catch {
            guard lifecycle.jobs[id] == nil else { throw ControllerError(error) }
            let job = try await storedJob(id, for: principal)
            throw .conflict("job \(id) already \(job.state.rawValue); only pending or running jobs can be cancelled")
        }
        try await apply(directives)
        return try await job(id, for: principal)
    }

    /// Where the controller keeps rank `rank`'s output (uploaded by its agent), and whether the job is over.
    public func logTarget(_ id: JobID, rank: Int, for principal: Principal) async throws(ControllerError) -> (
        path: String, done: Bool
    ) {
        let job = try await visibleJob(id, for: principal)
        let world = job.shape.nodes * job.tasksPerNode
        guard rank >= 0 && rank < world else {
            throw .invalid("rank", "job \(id) has ranks 0 to \(world - 1), got \(rank)")
        }
        let done = job.state.isTerminal && !(job.attempt?.hasLiveRanks ?? false) && !lifecycle.holding.contains(id)
        return (JobViews.logPath(job: id, rank: rank, dataDir: config.dataDir), done)
    }

    /// Nodes with their free GPUs.
    public func nodeList() -> [NodeInfo] { nodePage().nodes }

    /// Nodes in name order after `after`, those in `state` (up, drained, down, returning) and `leaf` only, at
    /// most `limit` of them, with the name to pass as `after` for the next page.
    public func nodePage(state: String? = nil, leaf: String? = nil, after: String? = nil, limit: Int? = nil) -> NodeList
    {
        var names = lifecycle.nodes.keys.sorted()
        if let after { names.removeFirst(names.partitionPoint { $0 <= after }) }
        let all = nodeInfos(names, state: state, leaf: leaf, limit: limit.map { $0 + 1 })
        let counts = nodeCounts()
        guard let limit, all.count > limit else { return NodeList(nodes: all, counts: counts) }
        let page = Array(all.prefix(limit))
        return NodeList(nodes: page, nextAfter: page.last?.name, counts: counts)
    }

    /// One node as `muster nodes` shows it (the dashboard's node page).
    public func node(_ name: String) throws(ControllerError) -> NodeInfo {
        guard let info = nodeInfos([name], state: nil, leaf: nil, limit: nil).first else {
            throw .notFound("no node named '\(Terminal.safe(name))'; muster nodes lists them")
        }
        return info
    }

    /// Every leaf block summed, by spine then leaf: one pass over the nodes, none of them rendered.
    public func leaves() -> LeafList {
        let (free, runningOn) = nodeUse()
        var leaves: [String: LeafInfo] = [:]
        for (name, node) in lifecycle.nodes {
            let inv = node.inventory
            var leaf = leaves[inv.leaf] ?? LeafInfo(leaf: inv.leaf, spine: inv.spine)
            leaf.nodes += 1
            leaf.gpus += inv.gpus.count
            if node.schedulable {
                let freeHere = free[name] ?? inv.gpus.count
                leaf.freeGPUs += freeHere
                leaf.usedGPUs += max(0, inv.gpus.count - freeHere)
            }
            switch node.shownState {
            case "up": leaf.up += 1
            case "drained": leaf.drained += 1
            default: leaf.down += 1
            }
            if lifecycle.isSpare(name) { leaf.spare += 1 }
            if runningOn[name] != nil { leaf.busy += 1 }
            leaves[inv.leaf] = leaf
        }
        return LeafList(leaves: leaves.values.sorted { ($0.spine, $0.leaf) < ($1.spine, $1.leaf) })
    }

    /// Each schedulable node's free GPUs (as the scheduler sees them) and the jobs with ranks on each node.
    func nodeUse() -> (free: [String: Int], runningOn: [String: [JobID]]) {
        var runningOn: [String: [JobID]] = [:]
        for id in lifecycle.holding.sorted() {
            for node in lifecycle.jobs[id]?.attempt?.nodesWithLiveRanks ?? [] {
                runningOn[node, default: []].append(id)
            }
        }
        var free: [String: Int] = [:]
        if let cluster = lifecycle.snapshot?.cluster {
            for i in 0..<cluster.nodeCount { free[cluster.nodeNames[i]] = Int(cluster.freeGPUs[i]) }
        }
        return (free, runningOn)
    }

    /// `NodeInfo` of the nodes named (in that order) that pass the filters, stopping after `limit`.
    func nodeInfos(_ names: [String], state: String?, leaf: String?, limit: Int?) -> [NodeInfo] {
        let (free, runningOn) = nodeUse()
        var out: [NodeInfo] = []
        for name in names {
            guard let node = lifecycle.nodes[name] else { continue }
            let inv = node.inventory
            let shown = node.shownState
            if let state, shown != state { continue }
            if let leaf, inv.leaf != leaf { continue }
            if let limit, out.count == limit { break }
            out.append(
                NodeInfo(
                    name: name, state: shown, address: inv.address, gpus: inv.gpus.count,
                    freeGPUs: node.schedulable ? free[name] ?? inv.gpus.count : 0,
                    gpuModel: inv.gpus.first?.model ?? "none", cpus: inv.cpus, memoryMib: inv.memoryMiB,
                    leaf: inv.leaf, spine: inv.spine, lastHeartbeat: node.lastHeard,
                    runningJobs: runningOn[name] ?? [], drainReason: node.drainReason, spare: lifecycle.isSpare(name)))
        }
        return out
    }

    /// An admin drains a node (see `Lifecycle.drain`); returns it as `muster nodes` shows it.
    public func drain(_ name: String, _ request: DrainRequest, by principal: Principal) async throws(ControllerError)
        -> NodeInfo
    {
        try available()
        let directives: [Directive]
        do {
            directives = try lifecycle.drain(
                name, reason: request.reason, now: request.now ?? false, by: principal, at: clock.now())
        } catch {
            throw ControllerError(error)
        }
        try await apply(directives)
        return try node(name)
    }

    /// An admin resumes a drained node.
    public func resume(_ name: String, by principal: Principal) async throws(ControllerError) -> NodeInfo {
        try available()
        let directives: [Directive]
        do {
            directives = try lifecycle.resume(name, by: principal)
        } catch {
            throw ControllerError(error)
        }
        try await apply(directives)
        return try node(name)
    }

    /// Stops waiting long-polls and failure detection, for a quick graceful shutdown.
    public func shutdown() {
        shuttingDown = true
        for name in mailboxes.keys {
            if let waiter = mailboxes[name]!.waiter {
                mailboxes[name]!.waiter = nil
                waiter.continuation.resume(returning: mailboxes[name]!.batch(instance: instance))
            }
        }
        for relay in relayWaiters.keys.sorted() { answerRelay(relay) }
        wake()
    }

    /// Refuses work while the lifecycle is being reloaded after a failed commit.
    func available() throws(ControllerError) {
        if reloading { throw .unavailable("the controller is recovering from a storage error; retry shortly") }
    }
}
