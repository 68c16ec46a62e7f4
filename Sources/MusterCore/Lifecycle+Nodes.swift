extension Lifecycle {
    /// Limits on what an agent may register, checked before anything is stored.
    public enum NodeLimits {
        /// Node names: 1 to 64 characters of letters, digits, `.`, `_` and `-`.
        public static let maxNameLength = 64
        /// GPUs per node: at most 64; device indices 0 to 1023, distinct.
        public static let maxGPUs = 64
        public static let maxDeviceIndex = 1023
        /// Topology names and addresses: at most 255 characters, no control characters.
        public static let maxLabelLength = 255
    }

    /// An agent registers (or registers again) its node. A new node is up at once; one that was declared down
    /// is `returning` (held) until a heartbeat shows it stopped what it no longer owns.
    public mutating func register(_ inventory: NodeInventory, now: Double) throws(LifecycleError) -> [Directive] {
        try Self.validate(inventory)
        if var node = nodes[inventory.name] {
            if node.inventory != inventory {
                node.inventory = inventory
                nodesChanged = true
            }
            if node.health == .down { node.health = .returning }
            node.lastHeard = now
            nodes[inventory.name] = node
        } else {
            nodes[inventory.name] = Node(inventory: inventory, health: .up, lastHeard: now)
            nodesChanged = true
        }
        noteHeard(inventory.name, at: now)
        if nodesChanged { capacityStale = true }
        var directives: [Directive] = [.storeNodes([inventory.name]), .wake]
        // Replicas that could not be started without nodes may start now.
        if !services.isEmpty { reconcileServices(at: now, &directives) }
        return directives
    }

    static func validate(_ inventory: NodeInventory) throws(LifecycleError) {
        let name = inventory.name
        guard !name.isEmpty, name.utf8.count <= NodeLimits.maxNameLength,
            name.utf8.allSatisfy({
                ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) || $0 == 0x2E || $0 == 0x5F
                    || $0 == 0x2D
            }),
            name != ".", name != ".."
        else {
            throw .invalid(
                field: "name", "a node name is 1 to \(NodeLimits.maxNameLength) letters, digits, '.', '_' or '-'")
        }
        guard inventory.gpus.count <= NodeLimits.maxGPUs else {
            throw .invalid(
                field: "gpus", "a node may have at most \(NodeLimits.maxGPUs) GPUs, got \(inventory.gpus.count)")
        }
        var seen: Set<Int> = []
        for gpu in inventory.gpus {
            guard gpu.index >= 0, gpu.index <= NodeLimits.maxDeviceIndex, seen.insert(gpu.index).inserted else {
                throw .invalid(
                    field: "gpus", "GPU indices must be distinct and 0 to \(NodeLimits.maxDeviceIndex)")
            }
            guard gpu.memoryMiB >= 0, gpu.memoryMiB <= 1 << 30, Self.isLabel(gpu.model) else {
                throw .invalid(
                    field: "gpus", "a GPU's model must be a short printable name and its memory 0 to 2^30 MiB")
            }
        }
        guard inventory.cpus >= 0, inventory.cpus <= JobSpec.Limits.maxCPUsPerNode else {
            throw .invalid(field: "cpus", "must be 0 to \(JobSpec.Limits.maxCPUsPerNode), got \(inventory.cpus)")
        }
        guard inventory.memoryMiB >= 0, inventory.memoryMiB <= JobSpec.Limits.maxMemoryMiBPerNode else {
            throw .invalid(field: "memory_mib", "must be 0 to \(JobSpec.Limits.maxMemoryMiBPerNode)")
        }
        for (field, value) in [("leaf", inventory.leaf), ("spine", inventory.spine), ("address", inventory.address)]
        where !Self.isLabel(value) {
            throw .invalid(field: field, "must be at most \(NodeLimits.maxLabelLength) printable characters")
        }
    }

    static func isLabel(_ s: String) -> Bool {
        s.utf8.count <= NodeLimits.maxLabelLength
            && s.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F }
    }

    /// An agent's report that a rank started (`at`: the agent's clock, bounded by ours).
    public mutating func taskStarted(_ task: TaskRef, on node: String, at time: Double, now: Double) -> [Directive] {
        if task.step != nil { return stepTaskStarted(task, on: node, at: time) }
        guard var job = jobs[task.job], var attempt = ownedAttempt(job, task, node), !attempt.ranks[task.rank].started
        else { return [] }
        attempt.ranks[task.rank].started = true
        if time.isFinite { attempt.ranks[task.rank].startedAt = time }
        let firstStart = attempt.startedAt == nil
        if firstStart { attempt.startedAt = Self.bounded(time, attempt.scheduledAt, now) }
        job.attempt = attempt
        jobs[task.job] = job
        if firstStart { watchTimeLimit(task.job) }
        purgeAttemptDeadlines()
        return [.storeJobs([task.job])]
    }

    /// An agent's report that a rank's job checkpointed (`at`: the agent's clock, bounded by the attempt's
    /// placement and ours). Only a later checkpoint of the running attempt counts; preemption then prefers victims
    /// that lose the least since their last one.
    public mutating func checkpointed(_ task: TaskRef, on node: String, at time: Double, now: Double) -> [Directive] {
        guard var job = jobs[task.job], job.state == .running, var attempt = ownedAttempt(job, task, node),
            time.isFinite
        else { return [] }
        let at = Self.bounded(time, attempt.scheduledAt, now)
        guard at > (attempt.checkpointAt ?? -.infinity) else { return [] }
        attempt.checkpointAt = at
        job.attempt = attempt
        jobs[task.job] = job
        snapshot?.running.checkpointed(task.job, at: Self.seconds(at))
        return [.storeJobs([task.job])]
    }

    /// An agent's report that a rank exited. A non-zero exit of a running job fails it (its other ranks are
    /// stopped); the last zero exit completes it; the last exit of any attempt gives its GPUs back. The job's end
    /// time is the exit's, not the report's arrival.
    public mutating func taskExited(
        _ task: TaskRef, on node: String, exitCode: Int32, reason: String?, at time: Double, now: Double
    ) -> [Directive] {
        if task.step != nil { return stepTaskExited(task, on: node, exitCode: exitCode, at: time, now: now) }
        guard var job = jobs[task.job], var attempt = ownedAttempt(job, task, node), !attempt.ranks[task.rank].exited
        else { return [] }
        let exitedAt = Self.bounded(time, attempt.scheduledAt, now)
        attempt.ranks[task.rank] = RankState(started: true, exitCode: exitCode, exitedAt: exitedAt)
        let firstStart = attempt.startedAt == nil
        if firstStart { attempt.startedAt = exitedAt }
        job.attempt = attempt
        jobs[task.job] = job
        if firstStart { watchTimeLimit(task.job) }
        var directives: [Directive] = []
        if job.state == .running {
            if exitCode != 0 {
                end(
                    task.job, .fail, exitCode: exitCode,
                    reason: reason ?? "rank \(task.rank) exited with code \(exitCode) on node \(node)", at: exitedAt,
                    &directives)
                return directives
            }
            if attempt.ranks.allSatisfy({ $0.exitCode == 0 }) {
                let last = attempt.ranks.reduce(exitedAt) { max($0, $1.exitedAt ?? exitedAt) }
                end(task.job, .succeed, exitCode: 0, reason: nil, at: last, &directives)
                return directives
            }
        }
        directives.append(.storeJobs([task.job]))
        releaseIfDrained(task.job, at: now, &directives)
        return directives
    }

    /// A heartbeat: `node` is alive and runs exactly `running`. Tasks it runs that the lifecycle does not own are
    /// fenced; ranks it should run but no longer does are lost (a running job fails; an ended one whose ranks
    /// are all gone gives its GPUs back); a returning node that runs nothing stray is up again.
    /// `takenAt`: when the agent took `running`, on its clock; a rank that started after that is not missing.
    public mutating func heartbeat(
        node name: String, running: [TaskRef], healthFailure: String? = nil, takenAt: Double? = nil, now: Double
    ) throws(LifecycleError) -> [Directive] {
        guard var node = nodes[name] else { throw .notFound("node \(name) is not registered; register first") }
        node.lastHeard = now
        var directives: [Directive] = []
        var strays = false
        // One fence per stray attempt: the agent stops a job's tasks by (job, epoch).
        var fenced: Set<TaskRef> = []
        for task in running.sorted() {
            if let job = jobs[task.job], job.state == .running, let attempt = ownedAttempt(job, task, name),
                !attempt.ranks[task.rank].exited
            {
                continue
            }
            if let s = task.step, let job = jobs[task.job], job.state == .running, ownsStepTask(job, task, name),
                !job.attempt!.steps![s].ranks[task.rank].exited
            {
                continue
            }
            strays = true
            guard fenced.insert(TaskRef(job: task.job, epoch: task.epoch, rank: 0)).inserted else { continue }
            directives.append(
                .fence(
                    node: name, task,
                    reason: "the controller does not run job \(task.job) epoch \(task.epoch) on \(name) (fenced)"))
        }
        let listed = Set(running)
        for id in (holdingOn[name] ?? []).sorted() {
            guard let attempt = jobs[id]?.attempt else { continue }
            if attempt.hasLiveSteps {
                stepTasksLost(id, on: name, at: now, &directives) { step, rank in
                    attempt.steps![step].ranks[rank].shouldBeListed(takenAt: takenAt)
                        && !listed.contains(TaskRef(job: id, epoch: attempt.epoch, rank: rank, step: step))
                }
            }
            let gone = attempt.ranks.indices.filter { rank in
                attempt.node(ofRank: rank) == name && attempt.ranks[rank].shouldBeListed(takenAt: takenAt)
                    && !listed.contains(TaskRef(job: id, epoch: attempt.epoch, rank: rank))
            }
            guard let first = gone.first else { continue }
            ranksLost(
                id, gone,
                reason: "node \(name) no longer runs rank \(first) (its agent restarted or the process vanished)",
                at: now, &directives)
        }
        var changedHealth = false
        if node.health == .down {
            node.health = .returning
            changedHealth = true
        }
        if node.health == .returning && !strays {
            node.health = .up
            changedHealth = true
            directives.append(.wake)
        }
        nodes[name] = node
        if changedHealth { serviceChanged(name) }
        noteHeard(name, at: now)
        if changedHealth { directives.insert(.storeNodes([name]), at: 0) }
        if let healthFailure, node.drainReason == nil {
            // Its health check fails: drained, and its jobs stopped now (requeued if they may be).
            let words =
                String(
                    String(
                        healthFailure.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : Character($0) }
                    )
                    .utf8.prefix(200)) ?? "failed"
            directives += try drain(
                name, reason: "health check failed: " + words, now: true,
                by: Principal(user: "health-check", admin: true),
                at: now)
        }
        return directives
    }

    /// Time passes: nodes silent past the timeout go down (their ranks are lost, their jobs fail); ranks not
    /// started in time are lost (their job fails); running jobs past their time limit plus grace and slack are
    /// ended by the controller even if their agent did not.
    public mutating func tick(now: Double) -> [Directive] {
        var directives: [Directive] = []
        endBackoffs(now: now, &directives)
        if !isStatic {
            // The silent nodes are at the front of the heard queue: O(silent), not O(nodes).
            var silent: [String] = []
            while let first = heard.first, now - first.time > config.heartbeatTimeout {
                if isLive(first) { silent.append(first.node) }
                _ = heard.removeFirst()
            }
            for name in silent.sorted() { nodeDown(name, now: now, &directives) }
            purgeHeard()
        }
        // Attempts with a deadline past: from the top of the heap, O(due), not every attempt.
        var due: Set<JobID> = []
        while let top = attemptDeadlines.min, top.time < now {
            if isCurrent(top) { due.insert(top.job) }
            _ = attemptDeadlines.removeMin()
        }
        defer { purgeAttemptDeadlines() }
        for id in due.sorted() {
            guard let job = jobs[id], let attempt = job.attempt else { continue }
            let unstarted = attempt.ranks.indices.filter { !attempt.ranks[$0].started && !attempt.ranks[$0].exited }
            if awaitingVictims[id] == nil, now > attempt.scheduledAt + config.startTimeout, let lost = unstarted.first {
                ranksLost(
                    id, unstarted,
                    reason: "rank \(lost) on node \(attempt.node(ofRank: lost)) was not reported started within "
                        + "\(Int(config.startTimeout)) s of its assignment (lost start)", at: now, &directives)
                continue
            }
            if job.state == .running, now > timeLimitDeadline(job, attempt) {
                end(
                    id, .fail, exitCode: -1,
                    reason: "time limit of \(job.spec.timeLimit) s reached; its agent did not stop it, so the "
                        + "controller ended it", at: now, &directives)
            }
        }
        return directives
    }

    /// An admin drains `name`: it takes no new work until resumed; with `now`, the jobs running on it are stopped
    /// (requeued if they may be, else failed) instead of finishing.
    public mutating func drain(
        _ name: String, reason: String, now stopJobs: Bool, by principal: Principal, at time: Double
    )
        throws(LifecycleError) -> [Directive]
    {
        guard principal.admin else { throw .forbidden("only an admin may drain a node") }
        guard nodes[name] != nil else { throw .notFound("no node \(name); muster nodes lists them") }
        guard !reason.isEmpty, reason.utf8.count <= 256,
            !reason.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
        else { throw .invalid(field: "reason", "give 1 to 256 bytes of printable text") }
        nodes[name]!.drainReason = reason
        serviceChanged(name)
        var directives: [Directive] = [.storeNodes([name])]
        if stopJobs {
            for id in (holdingOn[name] ?? []).sorted() {
                guard jobs[id]?.state == .running, jobs[id]?.attempt?.nodesWithLiveRanks.contains(name) == true
                else { continue }
                lose(id, reason: "node \(name) was drained now by \(principal.user): \(reason)", at: time, &directives)
            }
        }
        return directives
    }

    /// An admin resumes a drained node: it takes work again.
    public mutating func resume(_ name: String, by principal: Principal) throws(LifecycleError) -> [Directive] {
        guard principal.admin else { throw .forbidden("only an admin may resume a node") }
        guard nodes[name] != nil else { throw .notFound("no node \(name); muster nodes lists them") }
        guard nodes[name]!.drainReason != nil else { throw .conflict("node \(name) is not drained") }
        nodes[name]!.drainReason = nil
        serviceChanged(name)
        return [.storeNodes([name]), .wake]
    }

    /// Node `name` may have left or entered service (down, drained, returning, back up): the snapshot withdraws
    /// or restores it in place. A node the snapshot does not know yet waits for the next rebuild.
    mutating func serviceChanged(_ name: String) {
        guard !isStatic, let node = nodes[name] else { return }
        guard let index = nodeIndex[name], snapshot != nil else {
            nodesChanged = true
            return
        }
        if node.schedulable { snapshot!.restore(index) } else { snapshot!.withdraw(index) }
    }

    /// Records that `name` was heard at `time`, and drops entries its earlier words left stale at the front.
    mutating func noteHeard(_ name: String, at time: Double) {
        heard.heard(name, at: time)
        purgeHeard()
    }

    /// Drops stale entries from the front of the heard queue, so its first entry gives the next deadline.
    mutating func purgeHeard() {
        while let first = heard.first, !isLive(first) { _ = heard.removeFirst() }
    }

    /// Whether `entry` is still its node's latest word, for a node not down.
    func isLive(_ entry: HeardQueue.Entry) -> Bool {
        guard let node = nodes[entry.node] else { return false }
        return node.health != .down && node.lastHeard == entry.time
    }

    /// Declares a node down: every rank still on it is lost, and the jobs it ran fail.
    mutating func nodeDown(_ name: String, now: Double, _ directives: inout [Directive]) {
        nodes[name]!.health = .down
        nodesDeclaredDown += 1
        serviceChanged(name)
        directives.append(.storeNodes([name]))
        for id in (holdingOn[name] ?? []).sorted() {
            stepTasksLost(id, on: name, at: now, &directives)
            guard let attempt = jobs[id]?.attempt else { continue }
            let gone = attempt.ranks.indices.filter { attempt.node(ofRank: $0) == name && !attempt.ranks[$0].exited }
            ranksLost(
                id, gone,
                reason: "node \(name) stopped heartbeating (no word for \(Int(config.heartbeatTimeout)) s); "
                    + "marked down", at: now, &directives)
        }
        directives.append(.wake)
    }

    /// `ranks` of job `id`'s attempt will never report (their node is down, they never started, their process
    /// vanished): they exit with -1 now. A running job goes through `lose` (requeued, or failed when it may not
    /// be); an ended or requeued one gives its GPUs back once nothing of it runs.
    mutating func ranksLost(
        _ id: JobID, _ ranks: [Int], reason: String, at now: Double, _ directives: inout [Directive]
    ) {
        guard !ranks.isEmpty, jobs[id]?.attempt != nil else { return }
        for rank in ranks {
            jobs[id]!.attempt!.ranks[rank].exitCode = -1
            jobs[id]!.attempt!.ranks[rank].exitedAt = now
        }
        if jobs[id]!.state == .running {
            lose(id, reason: reason, at: now, &directives)
        } else {
            directives.append(.storeJobs([id]))
            releaseIfDrained(id, at: now, &directives)
        }
    }

    /// The attempt `task` names, if it is the job's current one and the rank runs on `node`.
    func ownedAttempt(_ job: Job, _ task: TaskRef, _ node: String) -> Attempt? {
        guard task.step == nil, let attempt = job.attempt, attempt.epoch == task.epoch, task.rank >= 0,
            task.rank < attempt.ranks.count, attempt.node(ofRank: task.rank) == node
        else { return nil }
        return attempt
    }

    /// `t` clamped to `[low, high]`; a non-finite `t` reads as `high`.
    static func bounded(_ t: Double, _ low: Double, _ high: Double) -> Double {
        guard t.isFinite else { return high }
        return min(max(t, min(low, high)), high)
    }
}
