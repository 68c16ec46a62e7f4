extension Lifecycle {
    /// The answer to a submit: the job's id, and whether it is new (false: an earlier submit with the same
    /// idempotency key made it).
    public struct SubmitOutcome: Sendable, Hashable {
        /// The job's id; an array's first task's (its tasks have ids `id ..< id + count`).
        public var id: JobID
        public var created: Bool
        public var directives: [Directive]
        /// Jobs made: 1, or an array's task count.
        public var count: Int = 1
    }

    /// An array submit: the task indices (ascending, distinct) and the cap on tasks queued or running at once.
    public struct ArrayRequest: Sendable, Hashable {
        public var indices: [Int]
        public var cap: Int?

        public init(indices: [Int], cap: Int?) {
            self.indices = indices
            self.cap = cap
        }
    }

    /// A job is submitted: checked against the spec's bounds and the cluster, then queued, or held until its
    /// `dependencies` (jobs of the same owner, unless `admin`) are satisfied. With `array`, one job per index, with
    /// consecutive ids; beyond the array's cap, tasks are held until earlier ones end.
    /// - Parameter id: the id to use (the simulator's dense index); nil hands out the next one.
    /// - Parameter replica: the service replica the job is, marked before it is queued (`PendingJob.service`), as
    ///   the simulator's replayed replicas are; nil: a batch job (the live path names replicas after submit).
    public mutating func submit(
        _ spec: JobSpec, tasksPerNode: Int = 1, owner: String = "", launch: JobLaunch? = nil,
        idempotencyKey: String? = nil, dependencies: [JobDependency] = [], array: ArrayRequest? = nil,
        maxRestarts: Int = 0, noRequeue: Bool = false, admin: Bool = false, id: JobID? = nil,
        replica: ReplicaRef? = nil, now: Double
    ) throws(LifecycleError) -> SubmitOutcome {
        if let key = idempotencyKey, let existing = idempotency[Self.idempotencyKey(owner, key)] {
            return SubmitOutcome(id: existing, created: false, directives: [], count: arrayMembers(existing).count)
        }
        let spec = try resolveSharing(spec)
        if let array {
            guard !array.indices.isEmpty, array.indices.count <= ArrayTask.maxTasks else {
                throw .invalid(field: "array", "1 to \(ArrayTask.maxTasks) tasks, got \(array.indices.count)")
            }
            guard array.indices.allSatisfy({ $0 >= 0 && $0 <= ArrayTask.maxIndex }),
                zip(array.indices, array.indices.dropFirst()).allSatisfy({ $0 < $1 })
            else {
                throw .invalid(field: "array", "indices must be distinct, ascending, 0 to \(ArrayTask.maxIndex)")
            }
            if let cap = array.cap, cap < 1 || cap > ArrayTask.maxTasks {
                throw .invalid(field: "array", "the cap (%N) must be 1 to \(ArrayTask.maxTasks), got \(cap)")
            }
            guard id == nil else { throw .invalid(field: "array", "an array's ids are handed out, not given") }
        }
        if maxRestarts < 0 || maxRestarts > Self.maxRestarts {
            throw .invalid(field: "max_restarts", "must be 0 to \(Self.maxRestarts), got \(maxRestarts)")
        }
        if tasksPerNode < 1 || tasksPerNode > Self.maxTasksPerNode {
            throw .invalid(field: "tasks_per_node", "must be 1 to \(Self.maxTasksPerNode), got \(tasksPerNode)")
        }
        do {
            try spec.validate()
        } catch {
            throw LifecycleError(error)
        }
        if capacityStale { refreshCapacity() }
        guard capacity != nil else {
            throw .neverFits("no node has registered yet; start agents (muster agent) or use muster up")
        }
        var pending: PendingJob
        do {
            pending = try Self.queueEntry(id: id ?? nextJobID, spec: spec, on: &capacity!)
        } catch {
            throw LifecycleError(error)
        }
        if let teamTable { pending.team = Int32(teamTable.team(named: spec.team)) }
        pending.service = replica != nil
        let id = pending.id
        let count = array?.indices.count ?? 1
        for k in 0..<count where jobs[id &+ JobID(k)] != nil { throw .conflict("job \(id &+ JobID(k)) exists already") }
        let waiting = try checkDependencies(dependencies, owner: owner, admin: admin)
        nextJobID = max(nextJobID, id &+ JobID(count))
        var ids: [JobID] = []
        ids.reserveCapacity(count)
        for k in 0..<count {
            let member = id &+ JobID(k)
            var job = Job(
                id: member, spec: spec, shape: pending.shape, tasksPerNode: tasksPerNode, owner: owner,
                launch: launch, idempotencyKey: k == 0 ? idempotencyKey : nil, submittedAt: now)
            job.dependencies = dependencies
            job.maxRestarts = maxRestarts
            job.noRequeue = noRequeue
            job.replica = replica
            if let array { job.array = ArrayTask(parent: id, index: array.indices[k], cap: array.cap) }
            jobs[member] = job
            if config.retainEnded { jobOrder.append(member) }
            active.insert(member)
            ids.append(member)
        }
        if let key = idempotencyKey { idempotency[Self.idempotencyKey(owner, key)] = id }
        if let cap = array?.cap {
            arrays[id] = ArraySlots(cap: cap, members: ids)
            _ = grantArraySlots(id)
        }
        var queued = false
        for member in ids {
            // A plain job is not read back from the table (a copy per submit, which the simulator notices).
            let reason = waiting ?? (array == nil ? nil : arrayWait(jobs[member]!))
            if let reason {
                jobs[member]!.reason = reason
                hold(member, on: dependencies)
            } else {
                var entry = pending
                entry.id = member
                if !nodesChanged { snapshot?.pending.append(entry) }
                queued = true
            }
        }
        return SubmitOutcome(
            id: id, created: true, directives: queued ? [.storeJobs(ids), .wake] : [.storeJobs(ids)], count: count)
    }

    // MARK: Requeue

    /// Most restarts a job may ask for.
    public static let maxRestarts = 100

    /// A running job lost ranks to a failure that is not its own (`reason`): it goes back to the queue while it
    /// has restarts left (after a backoff, once its old attempt has stopped), else it fails.
    /// In the simulator (a static cluster) a job always restarts, at once: its restart cost is modelled there.
    mutating func lose(_ id: JobID, reason: String, at time: Double, _ directives: inout [Directive]) {
        guard let job = jobs[id], job.state == .running else { return }
        guard isStatic || job.failureRestarts < job.maxRestarts else {
            let note = job.maxRestarts > 0 ? " (all \(job.maxRestarts) restarts used)" : ""
            end(id, .fail, exitCode: -1, reason: reason + note, at: time, &directives)
            return
        }
        jobs[id]!.apply(.requeue)
        awaitingVictims.removeValue(forKey: id)
        let restarts = jobs[id]!.failureRestarts
        // A gang that may restart on hot spares does so as soon as its old attempt has stopped, before other work
        // takes the nodes it keeps: no backoff.
        let onSpares = snapshot?.spares != nil && snapshot?.running[id] != nil
        if onSpares { snapshot!.spares!.claims[id] = snapshot!.running[id]!.placement.nodes }
        let delay =
            isStatic || onSpares ? 0 : min(600, config.requeueBackoff * Double(1 << min(max(restarts - 1, 0), 20)))
        if delay > 0 { notBefore[id] = time + delay }
        jobs[id]!.reason =
            "requeued (restart \(restarts) of \(job.maxRestarts)) after: \(reason); it may start again "
            + "\(Int(delay)) s later, once its last attempt has stopped"
        held.insert(id)
        directives.append(.storeJobs([id]))
        if let attempt = job.attempt {
            let live = attempt.nodesWithLiveRanks
            if !live.isEmpty { directives.append(.kill(id, epoch: attempt.epoch, nodes: live, reason: "requeued")) }
        }
        releaseIfDrained(id, at: time, &directives)
    }

    /// Requeued jobs whose backoff is over are rechecked (queued once their old attempt has stopped).
    mutating func endBackoffs(now: Double, _ directives: inout [Directive]) {
        guard !notBefore.isEmpty else { return }
        for (id, t) in notBefore.sorted(by: { $0.key < $1.key }) where t <= now {
            notBefore.removeValue(forKey: id)
            if jobs[id]?.state == .pending { recheckHeld(id, at: now, &directives) }
        }
    }

    // MARK: Arrays

    /// Why a task of a capped array may not be queued yet (no slot), or nil.
    func arrayWait(_ job: Job) -> String? {
        guard let parent = job.array?.parent, let slots = arrays[parent], !slots.holding.contains(job.id) else {
            return nil
        }
        return "array cap reached: at most \(slots.cap) tasks of array \(parent) queued or running at once"
    }

    /// Hands free slots of array `parent` to its next tasks in index order; returns the tasks given one.
    mutating func grantArraySlots(_ parent: JobID) -> [JobID] {
        guard var slots = arrays[parent] else { return [] }
        var granted: [JobID] = []
        while slots.holding.count < slots.cap && slots.cursor < slots.members.count {
            let member = slots.members[slots.cursor]
            slots.cursor += 1
            guard let state = jobs[member]?.state, !state.isTerminal, !slots.holding.contains(member) else { continue }
            slots.holding.insert(member)
            granted.append(member)
        }
        arrays[parent] = slots
        return granted
    }

    /// Task `id` ended: its slot goes to the array's next task, which joins the queue if nothing else holds it.
    mutating func releaseArraySlot(_ id: JobID, at time: Double, _ directives: inout [Directive]) {
        guard !arrays.isEmpty, let parent = jobs[id]?.array?.parent, arrays[parent]?.holding.remove(id) != nil else {
            return
        }
        for member in grantArraySlots(parent) { recheckHeld(member, at: time, &directives) }
        if let slots = arrays[parent], slots.holding.isEmpty, slots.cursor >= slots.members.count {
            arrays.removeValue(forKey: parent)
        }
    }

    /// Rebuilds the slots of capped arrays from stored tasks: running ones keep theirs, then pending ones in
    /// index order up to the cap.
    mutating func rebuildArraySlots() {
        var groups: [JobID: [(index: Int, id: JobID, cap: Int)]] = [:]
        for id in active {
            guard let job = jobs[id], let task = job.array, let cap = task.cap else { continue }
            groups[task.parent, default: []].append((task.index, id, cap))
        }
        for (parent, tasks) in groups {
            let sorted = tasks.sorted { $0.index < $1.index }
            var slots = ArraySlots(cap: sorted[0].cap, members: sorted.map(\.id))
            for task in sorted where jobs[task.id]?.state == .running { slots.holding.insert(task.id) }
            arrays[parent] = slots
            _ = grantArraySlots(parent)
        }
    }

    // MARK: Dependencies

    /// Checks a new job's dependencies: each names a job its owner (or an admin) may see and can still be
    /// satisfied. Returns what the first unsatisfied one waits for (the job's reason), or nil when all hold.
    func checkDependencies(_ dependencies: [JobDependency], owner: String, admin: Bool) throws(LifecycleError)
        -> String?
    {
        guard dependencies.count <= JobDependency.maxPerJob else {
            throw .invalid(
                field: "dependencies", "at most \(JobDependency.maxPerJob) dependencies, got \(dependencies.count)")
        }
        var waiting: String?
        for (i, dependency) in dependencies.enumerated() {
            guard let other = jobs[dependency.job] else {
                throw .invalid(field: "dependencies[\(i)].job_id", "no job \(dependency.job) to depend on")
            }
            guard admin || other.owner == owner else {
                throw .forbidden(
                    "job \(dependency.job) belongs to another user; a job may depend only on its owner's jobs")
            }
            switch status(of: dependency) {
            case .never(let why):
                throw .conflict("dependency \(dependency) can never be satisfied: \(why)")
            case .waiting(let what):
                if waiting == nil { waiting = "waiting on dependency \(dependency): \(what)" }
            case .satisfied:
                break
            }
        }
        return waiting
    }

    /// Whether `dependency` holds now. On a job array's id (its first task), as in Slurm, it is about every task:
    /// satisfied once all are, never once one never can be.
    func status(of dependency: JobDependency) -> JobDependency.Status {
        let members = arrayMembers(dependency.job)
        guard members.count > 1 else { return dependency.status(of: jobs[dependency.job]) }
        var waiting: String?
        for member in members {
            switch JobDependency(dependency.kind, member).status(of: jobs[member]) {
            case .never(let why): return .never(why + " (a task of array \(dependency.job))")
            case .waiting(let what): if waiting == nil { waiting = what + " (a task of array \(dependency.job))" }
            case .satisfied: break
            }
        }
        return waiting.map { .waiting($0) } ?? .satisfied
    }

    /// The tasks of the array whose id is `id` (consecutive ids), or just `id` when it is not an array's id.
    func arrayMembers(_ id: JobID) -> [JobID] {
        guard jobs[id]?.array?.parent == id else { return [id] }
        var members: [JobID] = [id]
        while jobs[id &+ JobID(members.count)]?.array?.parent == id { members.append(id &+ JobID(members.count)) }
        return members
    }

    /// Holds pending job `id` out of the queue until `dependencies` are rechecked.
    mutating func hold(_ id: JobID, on dependencies: [JobDependency]) {
        held.insert(id)
        for dependency in dependencies { dependents[dependency.job, default: []].append(id) }
    }

    /// Job `id` started or ended: its held dependents are released into the queue, cancelled, or wait on.
    mutating func resolveDependents(of id: JobID, at time: Double, _ directives: inout [Directive]) {
        guard !dependents.isEmpty else { return }
        // A task of an array also speaks for the array's id, which dependents may name.
        var keys = [id]
        if let parent = jobs[id]?.array?.parent, parent != id { keys.append(parent) }
        for key in keys {
            guard let waiting = dependents[key] else { continue }
            if arrayMembers(key).allSatisfy({ jobs[$0]?.state.isTerminal ?? true }) {
                dependents.removeValue(forKey: key)
            }
            for dependent in waiting { recheckHeld(dependent, at: time, &directives) }
        }
    }

    /// A held job's dependencies again: all satisfied, it joins the queue; one never satisfiable, it is
    /// cancelled with the reason (and so, in turn, are the jobs that need it to complete).
    mutating func recheckHeld(_ id: JobID, at time: Double, _ directives: inout [Directive]) {
        guard held.contains(id), let job = jobs[id] else { return }
        var waiting: String?
        for dependency in job.dependencies {
            switch status(of: dependency) {
            case .never(let why):
                held.remove(id)
                end(
                    id, .cancel, exitCode: nil,
                    reason: "dependency \(dependency) can never be satisfied: \(why)", at: time, &directives)
                return
            case .waiting(let what):
                if waiting == nil { waiting = "waiting on dependency \(dependency): \(what)" }
            case .satisfied:
                break
            }
        }
        if waiting == nil { waiting = arrayWait(job) }
        if waiting == nil, holding.contains(id) || notBefore[id] != nil { waiting = job.reason ?? "requeued" }
        if let waiting {
            if job.reason != waiting {
                jobs[id]?.reason = waiting
                directives.append(.storeJobs([id]))
            }
            return
        }
        held.remove(id)
        jobs[id]?.reason = nil
        let entry = pendingEntry(job)
        if !nodesChanged { snapshot?.pending.append(entry) }
        directives.append(.storeJobs([id]))
        directives.append(.wake)
    }

    /// A user cancels a job: a pending one ends at once; a running one ends and its ranks are stopped (its
    /// GPUs come back when they have exited).
    public mutating func cancel(_ id: JobID, by principal: Principal, now: Double) throws(LifecycleError)
        -> [Directive]
    {
        let job = try self.job(id, for: principal)
        guard !job.state.isTerminal else {
            throw .conflict("job \(id) already \(job.state.rawValue); only pending or running jobs can be cancelled")
        }
        if job.state == .pending {
            snapshot?.pending.removeAll { $0.id == id }
        }
        var directives: [Directive] = []
        end(id, .cancel, exitCode: nil, reason: "cancelled by \(principal.user)", at: now, &directives)
        return directives
    }

    /// A planning pass: the scheduler decides, each start becomes a new attempt (store it, then assign it).
    public mutating func plan(now: Double) -> [Directive] {
        if nodesChanged, isStatic || now - lastRebuild >= rebuildGap {
            rebuildSnapshot()
            lastRebuild = now
        }
        accrueFairShare(at: now)
        guard snapshot != nil, !snapshot!.pending.isEmpty else { return [] }
        planningPasses += 1
        if !preemptedInLastPass.isEmpty { preemptedInLastPass = [] }
        if snapshot!.sharing != nil {
            snapshot!.sharing!.fairShare = fairShare.factors(quotas: snapshot!.sharing!.quotas)
        }
        var reasons: [JobID: WaitReason]? = config.explainWaits ? [:] : nil
        let decisions = scheduler.plan(&snapshot!, now: Self.seconds(now), reasons: &reasons)
        if let reasons {
            waits = reasons
            waitsAt = Self.seconds(now)
        }
        var started: [JobID] = []
        var directives: [Directive] = []
        var victimsOf: [JobID: [JobID]] = [:]
        for decision in decisions {
            if case .reserve = decision { reservationsMade += 1 }
            if case .preempt(let victim, let by) = decision {
                preempt(victim, by: by, at: now, &directives)
                victimsOf[by, default: []].append(victim)
                continue
            }
            guard case .start(let id, let placement) = decision, let j = jobs.index(forKey: id) else { continue }
            let nodeNames = snapshot!.cluster.nodeNames
            var names: [String] = []
            var gpus: [[Int]] = []
            names.reserveCapacity(placement.nodes.count)
            gpus.reserveCapacity(placement.nodes.count)
            for i in placement.nodes.indices {
                let name = nodeNames[Int(placement.nodes[i])]
                names.append(name)
                let bits = placement.gpuIndices(at: i)
                if !isStatic, let devices = nodes[name]?.inventory.gpus {
                    gpus.append(bits.map { $0 < devices.count ? devices[$0].index : $0 })
                } else {
                    gpus.append(bits)
                }
            }
            var port = config.masterPorts.lowerBound
            if !isStatic {
                guard let free = allocatePort(on: names[0]) else {
                    // Every MASTER_PORT on rank 0's node is held: undo this start; the job waits in the queue
                    // until an attempt there ends.
                    _ = snapshot!.finish(id)
                    let entry = pendingEntry(jobs.values[j])
                    snapshot!.pending.append(entry)
                    jobs.values[j].reason =
                        "waiting for a free MASTER_PORT on \(names[0]) (all \(config.masterPorts.count) are in use)"
                    continue
                }
                port = free
            }
            // `jobs.values[j]` reads and changes the row in place; `jobs[id]` would copy it out and back.
            jobs.values[j].apply(.start)
            let epoch = jobs.values[j].epoch + 1
            let prior = jobs.values[j].energyJoules(until: now)
            jobs.values[j].attempt = Attempt(
                epoch: epoch, nodes: names, gpus: gpus, tasksPerNode: jobs.values[j].tasksPerNode, scheduledAt: now,
                masterPort: port, batch: jobs.values[j].launch?.script != nil)
            if prior > 0 { jobs.values[j].attempt!.priorEnergyJoules = prior }
            jobs.values[j].reason = nil
            if isStatic {
                holding.insert(id)
            } else {
                startHolding(id, jobs.values[j].attempt!)
            }
            started.append(id)
            attemptsStarted += 1
            if !isStatic, let victims = victimsOf[id] {
                let stopping = Set(victims.filter { holding.contains($0) })
                if !stopping.isEmpty {
                    // Its GPUs are still held by the jobs it preempted: assigned once they have stopped.
                    awaitingVictims[id] = stopping
                    jobs.values[j].reason =
                        "starting once the jobs it preempted (\(stopping.sorted().map(String.init).joined(separator: ", "))) "
                        + "have stopped"
                    continue
                }
            }
            directives.append(.assign(id, epoch: epoch))
        }
        guard !started.isEmpty || !directives.isEmpty else { return [] }
        directives.insert(.storeJobs(started), at: 0)
        if !dependents.isEmpty {
            for id in started { resolveDependents(of: id, at: now, &directives) }
        }
        return directives
    }

    /// The simulator's completion: every rank of the attempt exits with `exitCode` at `now`.
    public mutating func attemptExited(
        _ id: JobID, epoch: Int, exitCode: Int32, reason: String? = nil, now: Double
    ) -> [Directive] {
        guard let j = jobs.index(forKey: id) else { return [] }
        let running = withJob(at: j) { job -> Bool? in
            guard job.attempt?.epoch == epoch else { return nil }
            job.attempt!.allExited(exitCode: exitCode, at: now)
            return job.state == .running
        }
        guard let running else { return [] }
        var directives: [Directive] = []
        if running {
            end(id, exitCode == 0 ? .succeed : .fail, exitCode: exitCode, reason: reason, at: now, &directives)
        } else {
            directives.append(.storeJobs([id]))
            releaseIfDrained(id, at: now, &directives)
        }
        return directives
    }

    /// The public view of where a running attempt holds GPUs, in the scheduler's node numbering.
    public func placement(of id: JobID) -> Placement? {
        snapshot?.running[id]?.placement
    }

    // MARK: Ends

    /// Ends a job (`succeed`, `fail` or `cancel`): records how and when, stops its live ranks, and gives its
    /// GPUs back once none is left. Every way a job ends goes through here.
    mutating func end(
        _ id: JobID, _ event: JobEvent, exitCode: Int32?, reason: String?, at time: Double,
        _ directives: inout [Directive]
    ) {
        guard let j = jobs.index(forKey: id) else { return }
        let holds = holding.contains(id)
        let replica = jobs.values[j].replica
        let kill = withJob(at: j) { job -> Directive? in
            job.apply(event)
            job.endTime = time
            job.exitCode = exitCode
            job.reason = reason
            guard holds, let live = job.attempt?.nodesWithLiveRanks, !live.isEmpty else { return nil }
            return .kill(id, epoch: job.epoch, nodes: live, reason: reason ?? "job \(job.state.rawValue)")
        }
        active.remove(id)
        held.remove(id)
        notBefore.removeValue(forKey: id)
        jobsEnded[jobs.values[j].state, default: 0] += 1
        if !awaitingVictims.isEmpty { awaitingVictims.removeValue(forKey: id) }
        if snapshot?.spares?.claims.isEmpty == false { snapshot!.spares!.claims.removeValue(forKey: id) }
        directives.append(.storeJobs([id]))
        if let kill { directives.append(kill) }
        resolveDependents(of: id, at: time, &directives)
        releaseArraySlot(id, at: time, &directives)
        if let ref = replica, let state = jobs[id]?.state {
            replicaEnded(id, ref, state: state, at: time, &directives)
        }
        releaseIfDrained(id, at: time, &directives)
    }

    /// Gives the GPUs of `id`'s attempt back once none of its ranks may still run; forgets an ended job when
    /// ended jobs are not kept.
    mutating func releaseIfDrained(_ id: JobID, at time: Double, _ directives: inout [Directive]) {
        guard let j = jobs.index(forKey: id) else { return }
        let (drained, terminal, rendezvous) = withJob(at: j) { job in
            (
                job.attempt?.hasLiveRanks == false, job.state.isTerminal,
                job.attempt.map { ($0.nodes[0], $0.masterPort) }
            )
        }
        defer { if !isStatic { purgeAttemptDeadlines() } }
        if drained, holding.contains(id) {
            accrueFairShare(at: time)
            if scheduler.policy.preemptsByOrder {
                withJob(at: j) { job in
                    guard let attempt = job.attempt else { return }
                    let ran = max(0, time - (attempt.startedAt ?? attempt.scheduledAt))
                    job.attained += ran * Double(job.shape.gpus)
                }
            }
            stopHolding(id, isStatic ? nil : jobs.values[j].attempt)
            snapshot?.finish(id)
            if !isStatic, let (node, port) = rendezvous { portsInUse[portHost(node)]?.remove(port) }
            directives.append(.wake)
            if !awaitingVictims.isEmpty { victimStopped(id, at: time, &directives) }
            if held.contains(id), notBefore[id] == nil { recheckHeld(id, at: time, &directives) }
        }
        if terminal, !holding.contains(id) {
            if !config.retainEnded {
                let (_, job) = jobs.remove(at: j)
                if let key = job.idempotencyKey { idempotency.removeValue(forKey: Self.idempotencyKey(job.owner, key)) }
            } else {
                queueForgetting(id, at: time)
            }
        }
    }

    /// Runs `body` on the row at `j` in place: reading `jobs.values[j]` or `jobs[id]` copies the whole row
    /// (retaining each of its arrays and strings), which the simulator's million jobs notice.
    @inline(__always)
    mutating func withJob<R>(at j: Dictionary<JobID, Job>.Index, _ body: (inout Job) -> R) -> R {
        body(&jobs.values[j])
    }

    /// A new job's queue entry, checked against `cluster`. `inout` only so that the caller's optional is used in
    /// place: unwrapping it into a constant copies the cluster (a retain per array) on every submit.
    static func queueEntry(id: JobID, spec: JobSpec, on cluster: inout Cluster) throws(JobSpecError) -> PendingJob {
        try PendingJob(id: id, spec: spec, on: cluster)
    }

    /// The lowest free `MASTER_PORT` on `node`, now taken; nil when every port of the range is.
    mutating func allocatePort(on node: String) -> Int? {
        let host = portHost(node)
        guard let port = config.masterPorts.first(where: { !(portsInUse[host]?.contains($0) ?? false) }) else {
            return nil
        }
        portsInUse[host, default: []].insert(port)
        return port
    }

    /// The key ports are unique under: the node's address (its name if unknown).
    func portHost(_ node: String) -> String { nodes[node]?.inventory.address ?? node }

    /// Whole seconds for the scheduler, saturating (a clock is never trusted to be in range).
    static func seconds(_ t: Double) -> Seconds {
        guard t.isFinite else { return t > 0 ? .max : 0 }
        if t >= 9.2e18 { return .max }
        if t <= -9.2e18 { return .min }
        return Seconds(t)
    }

    /// The queue entry of a pending job, for a cluster of `models` (the snapshot's when nil).
    func pendingEntry(_ job: Job, models: [GPUModel]? = nil) -> PendingJob {
        var entry = PendingJob(
            id: job.id, shape: job.shape, cpusPerNode: job.spec.cpusPerNode,
            memoryMiBPerNode: job.spec.memoryMiBPerNode, priority: job.spec.priority.rank,
            submitTime: job.spec.submitTime, timeLimit: job.spec.timeLimit)
        if let teamTable { entry.team = Int32(teamTable.team(named: job.spec.team)) }
        if let by = job.preemption?.by { entry.preemptedBy = by }
        entry.attained = job.attained
        entry.service = job.replica != nil
        if let name = job.spec.gpuModel {
            // A model no node has any more leaves the job waiting (an index no node has).
            let models = models ?? snapshot?.cluster.gpuModels ?? []
            entry.model = Int16(clamping: GPUModel.resolve(name, in: models) ?? Int(Int16.max))
        }
        return entry
    }
}
