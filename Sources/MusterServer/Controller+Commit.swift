import MusterAPI
import MusterCore
import MusterStore

/// One event's directives waiting in the commit queue.
struct CommitItem: Sendable {
    var batch: StoreBatch
    var directives: [Directive]
    var done: CheckedContinuation<Bool, Never>
}

extension Controller {
    /// Applies one event's directives: commits the rows they name, then carries out the rest, in queue order.
    /// Throws (503) if the commit failed; the lifecycle has then been rolled back to what is durable.
    func apply(_ directives: [Directive]) async throws(ControllerError) {
        guard !directives.isEmpty else { return }
        var jobIDs: [JobID] = []
        var seenJobs: Set<JobID> = []
        var nodeNames: [String] = []
        var serviceNames: [String] = []
        for directive in directives {
            switch directive {
            case .storeServices(let names):
                for name in names where !serviceNames.contains(name) { serviceNames.append(name) }
            case .storeJobs(let ids):
                for id in ids where seenJobs.insert(id).inserted { jobIDs.append(id) }
            case .storeNodes(let names):
                for name in names where !nodeNames.contains(name) {
                    nodeNames.append(name)
                    if lifecycle.nodes[name]?.health == .down {
                        logger.warning("node \(name) declared down: no heartbeat for \(config.heartbeatTimeout) s")
                    }
                }
            default: break
            }
        }
        let batch = StoreBatch(
            jobs: jobIDs.compactMap { lifecycle.jobs[$0] }, nodes: nodeNames.compactMap { lifecycle.nodes[$0] },
            services: serviceNames.compactMap { lifecycle.services[$0] })
        guard await enqueue(batch, directives) else {
            throw .unavailable("the change could not be stored; nothing was changed (see the controller log)")
        }
    }

    /// Commits tokens (no lifecycle directives involved) through the same queue.
    func commitTokens(_ records: [TokenRecord]) async throws(ControllerError) {
        guard await enqueue(StoreBatch(tokens: records), []) else {
            throw .unavailable("the token could not be stored; try again")
        }
    }

    /// Waits until no change to the jobs `ids` (to any job when nil) is still on its way to the store, so that
    /// an answer never shows a state a crash could take back (a job seen completed stays completed after a
    /// failover). Costs nothing when the queue is idle; otherwise at most a few commits' time.
    func untilDurable(_ ids: Set<JobID>? = nil) async {
        for _ in 0..<4 {
            guard hasUncommitted(ids) else { return }
            _ = await enqueue(StoreBatch(), [])
        }
    }

    /// Whether a change to one of `ids` (to any job when nil) is in the commit queue or being committed; reads
    /// call it, so it builds nothing (`notDurable` gathers the whole set, for the loop).
    private func hasUncommitted(_ ids: Set<JobID>?) -> Bool {
        guard let ids else { return !committingJobs.isEmpty || commitQueue.contains { !$0.batch.jobs.isEmpty } }
        return !committingJobs.isDisjoint(with: ids)
            || commitQueue.contains { item in item.batch.jobs.contains { ids.contains($0.id) } }
    }

    /// Queues a batch for the one writer (starting it if idle); true once it is committed and carried out.
    private func enqueue(_ batch: StoreBatch, _ directives: [Directive]) async -> Bool {
        await withCheckedContinuation { continuation in
            commitQueue.append(CommitItem(batch: batch, directives: directives, done: continuation))
            if !committing {
                committing = true
                Task { await self.drainCommits() }
            }
        }
    }

    /// The one writer: takes every waiting batch, commits them as one transaction, then carries out their
    /// directives in order and wakes their callers. On failure rolls the lifecycle back to the store's state.
    func drainCommits() async {
        while !commitQueue.isEmpty {
            let group = commitQueue
            commitQueue = []
            var merged = StoreBatch()
            for item in group { merged.merge(item.batch) }
            var ok = true
            committingJobs = Set(merged.jobs.map(\.id))
            defer { committingJobs = [] }
            if !merged.isEmpty {
                do {
                    let started = ContinuousClock.now
                    try await store.commit(merged)
                    metrics.commitDuration.recordSeconds(Self.seconds(ContinuousClock.now - started))
                } catch {
                    ok = false
                    logger.error("commit failed; reloading the durable state", metadata: ["error": "\(error)"])
                }
            }
            if ok {
                if !merged.jobs.isEmpty {
                    changes.record(merged.jobs.map(\.id))
                    for (_, watcher) in watchers { watcher.resume() }
                    watchers = [:]
                }
                for item in group { carryOut(item.directives) }
                for item in group { item.done.resume(returning: true) }
            } else {
                let waiting = commitQueue
                commitQueue = []
                for item in group + waiting { item.done.resume(returning: false) }
                await reload()
            }
        }
        committing = false
    }

    /// Replaces the in-memory lifecycle with the store's state after a failed commit.
    func reload() async {
        reloading = true
        defer { reloading = false }
        while !Task.isCancelled {
            do {
                var settings = config.lifecycle
                settings.sharing = sharing
                let (fresh, directives, _) = try await Self.loadLifecycle(
                    store: store, config: settings, now: { [clock] in clock.now() })
                lifecycle = fresh
                pendingRestore = directives
                wake()
                return
            } catch {
                logger.error("reload failed; retrying in 1 s", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// Carries out the directives that act (after their rows are durable).
    func carryOut(_ directives: [Directive]) {
        var touched: Set<String> = []
        for directive in directives {
            switch directive {
            case .storeJobs, .storeNodes, .storeServices, .fence:
                break  // fences go back in the heartbeat's answer
            case .wake:
                wake()
            case .assign(let id, let epoch):
                guard let job = lifecycle.jobs[id], let attempt = job.attempt, attempt.epoch == epoch,
                    job.state == .running
                else { continue }
                for assignment in JobViews.assignments(
                    job, attempt, nodes: lifecycle.nodes, config: config,
                    stepToken: stepTokens.token(job: id, epoch: epoch))
                where !attempt.ranks[assignment.task.rank].started && !attempt.ranks[assignment.task.rank].exited {
                    let node = attempt.node(ofRank: assignment.task.rank)
                    mailboxes[node, default: Mailbox()].append(.assignment(assignment))
                    touched.insert(node)
                }
            case .assignStep(let id, let epoch, let s):
                guard let job = lifecycle.jobs[id], let attempt = job.attempt, attempt.epoch == epoch,
                    job.state == .running, let step = attempt.steps?[s]
                else { continue }
                for assignment in JobViews.stepAssignments(job, attempt, step, nodes: lifecycle.nodes, config: config)
                where !step.ranks[assignment.task.rank].started && !step.ranks[assignment.task.rank].exited {
                    let node = step.tasks[assignment.task.rank].node
                    mailboxes[node, default: Mailbox()].append(.assignment(assignment))
                    touched.insert(node)
                }
            case .kill(let id, let epoch, let nodes, let reason):
                // A preempted attempt gets its class's grace and the preempt file before SIGTERM.
                let preemption = lifecycle.jobs[id]?.preemption.flatMap { $0.epoch == epoch ? $0 : nil }
                for node in nodes {
                    mailboxes[node, default: Mailbox()].append(
                        .kill(
                            TaskKill(
                                jobID: id, epoch: epoch, reason: reason, grace: preemption?.grace ?? config.killGrace,
                                preempt: preemption != nil ? true : nil)))
                    touched.insert(node)
                }
            }
        }
        for node in touched.sorted() { deliver(node) }
    }

    /// Answers the node's waiting long-poll, if any, with everything unacknowledged.
    func deliver(_ node: String) {
        guard let box = mailboxes[node], !box.outbox.isEmpty else { return }
        if let relay = box.relay {
            deliverToRelay(relay, node: node)
            return
        }
        guard let waiter = box.waiter else { return }
        mailboxes[node]!.waiter = nil
        waiter.continuation.resume(returning: box.batch(instance: instance))
    }
}
