import MusterAPI
import MusterCore
import MusterStore

/// Ended jobs live in the store, not in memory: the lifecycle keeps an ended job `keepEnded` seconds (Slurm's
/// `MinJobAge`), then forgets it once its last change is durable. A start loads only the live jobs. Whatever asks
/// about a forgotten job (its page, the queue with ended states, a watcher far behind, an idempotent retry, a new
/// job that depends on it) is answered from the store here.
extension Controller {
    /// The lifecycle as the store holds it: its live jobs, the ended jobs their dependencies name, its nodes
    /// and services; ids go on after the highest stored. Also the directives the restore asks for and the
    /// tokens.
    static func loadLifecycle(
        store: any Store, config: LifecycleConfig, now: @Sendable () -> Double
    ) async throws(StoreError) -> (Lifecycle, [Directive], StoredState) {
        let state = try await store.load()
        let loaded = Set(state.jobs.map(\.id))
        var wanted: Set<JobID> = []
        for job in state.jobs where !job.state.isTerminal {
            for dependency in job.dependencies where !loaded.contains(dependency.job) {
                wanted.insert(dependency.job)
            }
        }
        let recalled = try await storedJobs(Array(wanted), in: store).filter { !loaded.contains($0.id) }
        // Fair share's past use from the store's sums: 20 half-lives back (older use weighs under a millionth).
        var endedUse: [EndedUse]?
        if let halfLife = config.sharing?.weights.halfLife, halfLife.isFinite, halfLife > 0 {
            endedUse = try await store.endedUse(since: now() - 20 * halfLife, window: min(3_600, halfLife / 64))
        }
        let (lifecycle, directives) = Lifecycle.restore(
            config: config, jobs: state.jobs + recalled, nodes: state.nodes, services: state.services,
            nextJobID: state.maxJobID &+ 1, endedUse: endedUse, now: now())
        return (lifecycle, directives, state)
    }

    /// The stored jobs of `ids` and, for each that is a job array's id, every task of the array (consecutive
    /// ids): what a dependency on it needs.
    static func storedJobs(_ ids: [JobID], in store: any Store) async throws(StoreError) -> [Job] {
        guard !ids.isEmpty else { return [] }
        var jobs = try await store.jobs(ids: ids)
        for parent in jobs where parent.array?.parent == parent.id {
            var next = parent.id &+ 1
            while true {
                let chunk = try await store.jobs(ids: (0..<256).map { next &+ JobID($0) })
                let members = chunk.prefix { $0.array?.parent == parent.id }
                jobs += members
                guard members.count == 256 else { break }
                next &+= 256
            }
        }
        return jobs
    }

    /// Reads back the forgotten jobs `dependencies` name, so that `submit` can check them.
    func recallDependencies(_ dependencies: [JobDependency]) async throws(ControllerError) {
        let missing = lifecycle.forgottenJobs(in: dependencies)
        guard !missing.isEmpty else { return }
        let found = try await fromStore { () async throws(StoreError) in try await Self.storedJobs(missing, in: store) }
        lifecycle.recall(found, now: clock.now())
    }

    /// The job an idempotent retry names when the lifecycle has forgotten it (it ended a while ago).
    func storedRetry(owner: String, key: String?) async throws(ControllerError) -> Job? {
        guard let key, lifecycle.jobID(owner: owner, idempotencyKey: key) == nil else { return nil }
        return try await fromStore { () async throws(StoreError) in
            try await store.job(owner: owner, idempotencyKey: key)
        }
    }

    /// Job `id` if `principal` may see it: from memory, or from the store once it ended and was forgotten.
    func visibleJob(_ id: JobID, for principal: Principal) async throws(ControllerError) -> Job {
        do {
            return try lifecycle.job(id, for: principal)
        } catch {
            guard lifecycle.jobs[id] == nil else { throw ControllerError(error) }
            return try await storedJob(id, for: principal)
        }
    }

    /// A job the lifecycle no longer holds, read from the store, if `principal` may see it.
    func storedJob(_ id: JobID, for principal: Principal) async throws(ControllerError) -> Job {
        guard id > 0, id < lifecycle.nextJobID,
            let job = try await fromStore({ () async throws(StoreError) in try await store.jobs(ids: [id]) }).first
        else {
            throw .notFound("no job \(id); muster queue --all lists your jobs")
        }
        guard principal.owns(job.owner) else {
            throw .forbidden("job \(id) belongs to another user; only its owner or an admin may see or change it")
        }
        return job
    }

    /// Ended jobs from the store for `list`: those `principal` may see that pass the filters, newest first, with
    /// ids below `before`, at most `limit` (`node` filters what each page returns).
    func storedEnded(
        for principal: Principal, states: Set<JobState>?, team: String?, user: String?, endedSince: Double?,
        before: JobID?, limit: Int, node: String?
    ) async throws(ControllerError) -> (jobs: [Job], more: Bool) {
        let ended = (states ?? Set(JobState.allCases)).filter(\.isTerminal)
        if let states, !states.contains(where: \.isTerminal), endedSince == nil { return ([], false) }
        // `ended_since` asks for every job that ended since, whatever the states named.
        let wanted = endedSince != nil || ended.isEmpty ? JobState.allCases.filter(\.isTerminal) : Array(ended)
        let owner = principal.admin ? user : principal.user
        if let user, !principal.admin, user != principal.user { return ([], false) }
        var query = HistoryQuery(
            user: owner, team: team, states: wanted.map(\.rawValue).sorted(), since: endedSince, before: before,
            limit: limit + 1)
        var kept: [Job] = []
        // A node filter is applied to each page; a few pages at most, then the cursor says where to go on.
        for _ in 0..<(node == nil ? 1 : 8) {
            let page = try await fromStore { () async throws(StoreError) in try await store.endedJobs(query) }
            for job in page where node.map({ job.attempt?.nodes.contains($0) ?? false }) ?? true {
                kept.append(job)
            }
            guard page.count == query.limit, kept.count <= limit, let last = page.last else { break }
            query.before = last.id
        }
        return (Array(kept.prefix(limit)), kept.count > limit)
    }

    /// The ids whose last change is not yet durable: in the commit queue or being committed.
    func notDurable() -> Set<JobID> {
        var ids = committingJobs
        for item in commitQueue { for job in item.batch.jobs { ids.insert(job.id) } }
        return ids
    }

    /// Runs a store query (outside the commit queue: reads, the history purge); its failure is a 503 (retry
    /// later) with the store's words.
    func fromStore<T>(_ query: () async throws(StoreError) -> T) async throws(ControllerError) -> T {
        do {
            return try await query()
        } catch {
            logger.error("store query failed", metadata: ["error": "\(error)"])
            throw .unavailable("the store did not answer (\(error.message)); try again")
        }
    }
}
