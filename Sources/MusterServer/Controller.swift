import Foundation
import Logging
import MusterAPI
import MusterCore
import MusterStore

/// The controller's state and logic: jobs, nodes, the scheduler loop and the agents' mailboxes.
///
/// An actor because it is the I/O edge where HTTP requests, the store and the scheduling core meet. Every change
/// is committed to the `Store` before it is answered or acted on; the core's `Scheduler.plan` makes the decisions.
public actor Controller {
    let store: any Store
    let config: ControllerConfig
    nonisolated let logger: Logger
    let scheduler: Scheduler
    /// Numbers the agents' mailboxes; a poll that names another instance starts from scratch.
    public nonisolated let instance = UUID().uuidString

    /// Every job, by id.
    var jobs: [JobID: JobRecord] = [:]
    /// Job ids ascending (ids only grow).
    var jobOrder: [JobID] = []
    var nodes: [String: NodeEntry] = [:]
    /// Pending and running jobs: queue listings walk these, not every job ever.
    var active: Set<JobID> = []
    /// The scheduler's view; nil when no node is up. Rebuilt when the set of up nodes changes.
    var snapshot: Snapshot?
    var nodesChanged = true
    /// Jobs whose GPUs the snapshot holds: running, or ended with ranks that have not exited yet.
    var holding: Set<JobID> = []
    /// The largest node and how many nodes could ever hold each GPU count: the "never fits" check at submit.
    var capacity: Cluster?

    // Scheduler loop wake-ups.
    var wakeRequested = false
    var wakeWaiter: CheckedContinuation<Void, Never>?
    var nextWaiterID = 0

    /// Set once the server stops: long-polls answer at once and nodes are no longer marked down.
    var shuttingDown = false

    /// Counters for `muster bench live` and logs.
    public internal(set) var planningPasses = 0

    /// Opens the store and loads everything in it. Jobs that were running stay running: their agents reconcile
    /// them at their next heartbeat.
    public init(config: ControllerConfig, store: any Store, logger: Logger) throws(StoreError) {
        self.config = config
        self.store = store
        self.logger = logger
        scheduler = Scheduler(policy: config.policy)
        let now = Date().timeIntervalSince1970
        for record in try store.loadNodes() {
            var record = record
            // Give every agent a full timeout to come back after a controller restart.
            record.lastHeartbeat = max(record.lastHeartbeat, now)
            nodes[record.name] = NodeEntry(record: record)
        }
        for job in try store.loadJobs() {
            jobs[job.id] = job
            jobOrder.append(job.id)
            if !job.state.isTerminal { active.insert(job.id) }
            if job.state == .running || (job.state.isTerminal && job.ranks.contains { !$0.exited }) {
                holding.insert(job.id)
            }
        }
        capacity = Self.buildCluster(nodes.values.map(\.record.inventory))
        let summary = "\(jobOrder.count) jobs, \(holding.count) holding GPUs, \(nodes.count) nodes"
        logger.info("controller loaded state: \(summary)")
    }

    /// After a restart, re-sends what may not have reached the agents (they ignore what they already have) and
    /// the kills of jobs that ended while ranks still ran.
    func resendAfterRestart() {
        for id in jobOrder where holding.contains(id) {
            let job = jobs[id]!
            if job.state == .running {
                for assignment in assignments(for: job)
                where !job.ranks[assignment.task.rank].started && !job.ranks[assignment.task.rank].exited {
                    enqueue(.assignment(assignment), to: job.ranks[assignment.task.rank].node)
                }
            } else {
                sendKills(job, reason: job.reason ?? "job ended")
            }
        }
    }

    // MARK: Jobs

    /// Validates, stores and queues a job; returns its id once it is durable.
    public func submit(_ request: SubmitRequest) throws(ControllerError) -> JobID {
        let now = Date().timeIntervalSince1970
        let spec = try SubmitValidation.spec(request, defaultTimeLimit: config.defaultTimeLimit, now: now)
        guard let capacity else {
            throw .neverFits("no node has registered yet; start agents (muster agent) or use muster up")
        }
        let shape: GangShape
        do {
            shape = try spec.shape(maxGPUsPerNode: capacity.maxGPUsPerNode)
            _ = try PendingJob(id: 0, spec: spec, on: capacity)
        } catch {
            if case .invalid(let field, let message) = error { throw .invalid(field, message) }
            throw .neverFits(error.message)
        }
        var request = request
        request.timeLimit = spec.timeLimit
        request.name = spec.name
        request.team = spec.team
        request.priority = spec.priority.name
        request.tasksPerNode = max(1, request.tasksPerNode ?? 1)
        var record = JobRecord(id: 0, request: request, shape: shape, submitTime: now)
        do {
            record.id = try store.insertJob(record)
        } catch {
            logger.error("submit not stored", metadata: ["error": "\(error)"])
            throw .internal("the job could not be stored (\(error)); it was not submitted")
        }
        jobs[record.id] = record
        jobOrder.append(record.id)
        active.insert(record.id)
        snapshot?.pending.append(pendingJob(record))
        wake()
        return record.id
    }

    /// One job.
    public func job(_ id: JobID) throws(ControllerError) -> JobInfo {
        guard let job = jobs[id] else { throw .notFound("no job \(id); muster queue --all lists the jobs") }
        return job.info
    }

    /// Jobs filtered by state and team; `endedSince` keeps only terminal jobs that ended after it.
    public func list(states: Set<JobState>?, team: String?, endedSince: Double?, limit: Int?) -> [JobInfo] {
        var out: [JobInfo] = []
        let onlyActive = states.map { $0.allSatisfy { !$0.isTerminal } } ?? false
        for id in onlyActive && endedSince == nil ? active.sorted() : jobOrder {
            let job = jobs[id]!
            if let states, !states.contains(job.state) {
                guard let endedSince, job.state.isTerminal, (job.endTime ?? 0) >= endedSince else { continue }
            } else if states == nil, let endedSince, job.state.isTerminal, (job.endTime ?? 0) < endedSince {
                continue
            }
            if let team, job.request.team != team { continue }
            out.append(job.info)
        }
        if let limit, out.count > limit { out.removeFirst(out.count - limit) }
        return out
    }

    /// Cancels a pending or running job; its processes get SIGTERM, then SIGKILL after the grace period.
    public func cancel(_ id: JobID) throws(ControllerError) -> JobInfo {
        guard var job = jobs[id] else { throw .notFound("no job \(id)") }
        guard !job.state.isTerminal else {
            throw .conflict("job \(id) already \(job.state.rawValue); only pending or running jobs can be cancelled")
        }
        let wasPending = job.state == .pending
        job.state = job.state.applying(.cancel)
        job.endTime = Date().timeIntervalSince1970
        job.reason = "cancelled by user"
        try commit([job])
        jobs[id] = job
        active.remove(id)
        if wasPending {
            snapshot?.pending.removeAll { $0.id == id }
        } else {
            sendKills(job, reason: "cancelled by user")
        }
        return job.info
    }

    /// Where rank `rank`'s output goes, and whether the job is over (no more output will come).
    public func logTarget(_ id: JobID, rank: Int) throws(ControllerError) -> (path: String, done: Bool) {
        guard let job = jobs[id] else { throw .notFound("no job \(id)") }
        let world = job.shape.nodes * job.tasksPerNode
        guard rank >= 0 && rank < world else {
            throw .invalid("rank", "job \(id) has ranks 0..<\(world), got \(rank)")
        }
        let node = job.placement.count > rank / job.tasksPerNode ? job.placement[rank / job.tasksPerNode].node : ""
        let done = job.state.isTerminal && !job.ranks.contains { !$0.exited }
        return (JobEnvironment.outputPath(job, rank: rank, node: node, dataDir: config.dataDir), done)
    }

    /// Nodes with their free GPUs.
    public func nodeList() -> [NodeInfo] {
        var runningOn: [String: [JobID]] = [:]
        for id in holding.sorted() {
            for entry in jobs[id]!.placement { runningOn[entry.node, default: []].append(id) }
        }
        var free: [String: Int] = [:]
        if let cluster = snapshot?.cluster {
            for i in 0..<cluster.nodeCount { free[cluster.nodeNames[i]] = Int(cluster.freeGPUs[i]) }
        }
        return nodes.keys.sorted().map { name in
            let entry = nodes[name]!
            let inv = entry.record.inventory
            return NodeInfo(
                name: name, state: entry.record.up ? "up" : "down", address: inv.address, gpus: inv.gpus.count,
                freeGPUs: entry.record.up ? free[name] ?? inv.gpus.count : 0,
                gpuModel: inv.gpus.first?.model ?? "none", cpus: inv.cpus, memoryMib: inv.memoryMib, leaf: inv.leaf,
                spine: inv.spine, lastHeartbeat: entry.record.lastHeartbeat, runningJobs: runningOn[name] ?? [])
        }
    }

    /// Stops waiting long-polls and failure detection, for a quick graceful shutdown.
    public func shutdown() {
        shuttingDown = true
        for name in nodes.keys {
            if let waiter = nodes[name]!.waiter {
                nodes[name]!.waiter = nil
                waiter.continuation.resume(returning: nodes[name]!.batch(instance: instance))
            }
        }
        wake()
    }

    // MARK: Helpers

    /// Commits jobs (and nodes) in one transaction; the caller applies them in memory only after this returns.
    func commit(_ changed: [JobRecord], nodes changedNodes: [NodeRecord] = []) throws(ControllerError) {
        do {
            try store.commit(jobs: changed, nodes: changedNodes)
        } catch {
            logger.error("commit failed", metadata: ["error": "\(error)"])
            throw .internal("the change could not be stored (\(error)); nothing was changed")
        }
    }

    func pendingJob(_ job: JobRecord) -> PendingJob {
        PendingJob(
            id: job.id, shape: job.shape, cpusPerNode: job.request.cpusPerNode ?? 0,
            memoryMiBPerNode: job.request.memoryMibPerNode ?? 0,
            priority: PriorityClass.named(job.request.priority ?? "normal")?.rank ?? PriorityClass.normal.rank,
            submitTime: Int64(job.submitTime), timeLimit: job.request.timeLimit ?? config.defaultTimeLimit)
    }
}
