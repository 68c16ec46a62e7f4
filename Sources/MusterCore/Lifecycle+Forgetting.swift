/// Ended jobs leave memory: the live controller keeps an ended job `config.keepEnded` seconds (Slurm's
/// `MinJobAge`), then forgets it and its store answers for it (`muster history`, `GET /v1/jobs/{id}`). So the
/// lifecycle's state is the active jobs, the recently ended, and the ended jobs a held job still depends on.
extension Lifecycle {
    /// Queues ended job `id`, which ended at `time` and released its GPUs, to be forgotten `keepEnded` later.
    mutating func queueForgetting(_ id: JobID, at time: Double) {
        guard config.retainEnded, config.keepEnded.isFinite, forgetQueued.insert(id).inserted else { return }
        forgetQueue.insert(ForgetEntry(due: time + max(0, config.keepEnded), id: id))
    }

    /// Forgets the ended jobs kept `keepEnded` or longer, except those a held job still depends on (kept while
    /// it does) and those `pending` names (their last change is not yet durable: the controller's commit queue
    /// holds it), which are looked at again a second later. Returns how many were forgotten.
    public mutating func forgetEnded(now: Double, unless pending: (JobID) -> Bool = { _ in false }) -> Int {
        guard let first = forgetQueue.min, first.due <= now else { return 0 }
        let needed = dependencyTargets()
        var gone: Set<JobID> = []
        var later: [ForgetEntry] = []
        while let next = forgetQueue.min, next.due <= now {
            _ = forgetQueue.removeMin()
            let id = next.id
            guard let j = jobs.index(forKey: id), jobs.values[j].state.isTerminal, !holding.contains(id) else {
                forgetQueued.remove(id)
                continue
            }
            if needed.contains(id) {
                later.append(ForgetEntry(due: now + max(1, config.keepEnded), id: id))
                continue
            }
            if pending(id) {
                later.append(ForgetEntry(due: now + 1, id: id))
                continue
            }
            forgetQueued.remove(id)
            let (_, job) = jobs.remove(at: j)
            if let key = job.idempotencyKey { idempotency.removeValue(forKey: Self.idempotencyKey(job.owner, key)) }
            waits.removeValue(forKey: id)
            notBefore.removeValue(forKey: id)
            gone.insert(id)
        }
        for entry in later { forgetQueue.insert(entry) }
        if !gone.isEmpty { jobOrder.removeAll { gone.contains($0) } }
        return gone.count
    }

    /// The jobs some held job depends on (every task of an array it names): they stay known while it waits.
    func dependencyTargets() -> Set<JobID> {
        var targets: Set<JobID> = []
        for id in held {
            guard let job = jobs[id] else { continue }
            for dependency in job.dependencies { targets.formUnion(arrayMembers(dependency.job)) }
        }
        return targets
    }

    /// Ended jobs that `dependencies` name and this lifecycle has forgotten: the controller reads them back from
    /// its store (`recall`) before it submits a job that depends on them.
    public func forgottenJobs(in dependencies: [JobDependency]) -> [JobID] {
        dependencies.map(\.job).filter { $0 > 0 && $0 < nextJobID && jobs[$0] == nil }
    }

    /// Ended jobs read back from the store (a new or restored job depends on them): known again, and forgotten
    /// again `keepEnded` from now unless a held job depends on them. Active rows and known ids are ignored.
    public mutating func recall(_ ended: [Job], now: Double) {
        for job in ended where job.state.isTerminal && job.id > 0 && job.id < nextJobID && jobs[job.id] == nil {
            jobs[job.id] = job
            jobOrder.insert(job.id, at: jobOrder.partitionPoint { $0 < job.id })
            queueForgetting(job.id, at: now)
        }
    }

    /// The job submitted by `owner` with idempotency key `key`, while it is known.
    public func jobID(owner: String, idempotencyKey key: String) -> JobID? {
        idempotency[Self.idempotencyKey(owner, key)]
    }
}
