extension Lifecycle {
    /// Starts a service: its record and `desired` replicas (the fixed count, else the autoscaler's minimum, at
    /// least one), each a job of the replica's shape and class, owned by `owner`. A name in use by a service that
    /// is not stopped is a conflict.
    public mutating func createService(_ spec: ServiceSpec, owner: String, now: Double) throws(LifecycleError)
        -> [Directive]
    {
        try spec.validate()
        if let existing = services[spec.name], !existing.stopped {
            throw .conflict("service \(spec.name) exists already (owner \(existing.owner)); stop it or pick a name")
        }
        guard services.count < Self.maxServices || services[spec.name] != nil else {
            throw .conflict("at most \(Self.maxServices) services")
        }
        // The replica must be a job this cluster can run: checked as any submit, before anything is kept.
        var probe = spec.replica
        probe.name = "\(spec.name)-0"
        let resolved = try resolveSharing(probe)
        do {
            try resolved.validate()
        } catch {
            throw LifecycleError(error)
        }
        let initial = spec.autoscale.isFixed ? spec.autoscale.minReplicas : max(1, spec.autoscale.minReplicas)
        var service = Service(spec: spec, owner: owner, createdAt: now, desired: initial)
        service.note("created with \(initial) replica(s)", at: now)
        services[spec.name] = service
        var directives: [Directive] = [.storeServices([spec.name])]
        do {
            for index in 0..<initial { try startReplica(spec.name, index: index, at: now, &directives) }
        } catch {
            // The first replica failed its checks: nothing of the service stays.
            for id in services[spec.name]?.replicas.values.sorted() ?? [] {
                end(id, .cancel, exitCode: nil, reason: "service not created: \(error)", at: now, &directives)
            }
            services.removeValue(forKey: spec.name)
            throw error
        }
        return directives
    }

    /// Most services a controller keeps (stopped ones included).
    public static let maxServices = 1_000

    /// The service named `name` if `principal` may see it.
    public func service(_ name: String, for principal: Principal) throws(LifecycleError) -> Service {
        guard let service = services[name] else { throw .notFound("no service \(name)") }
        guard principal.owns(service.owner) else {
            throw .forbidden("service \(name) belongs to \(service.owner)")
        }
        return service
    }

    /// Sets the replica count (`muster scale`, the autoscaler): new replicas start, the highest-numbered ones
    /// beyond the count are cancelled.
    public mutating func scaleService(_ name: String, to replicas: Int, by principal: Principal, at now: Double)
        throws(LifecycleError) -> [Directive]
    {
        let service = try self.service(name, for: principal)
        guard !service.stopped else { throw .conflict("service \(name) is stopped") }
        guard (0...AutoscalePolicy.maxReplicas).contains(replicas) else {
            throw .invalid(field: "replicas", "must be 0 to \(AutoscalePolicy.maxReplicas), got \(replicas)")
        }
        var directives: [Directive] = [.storeServices([name])]
        let before = service.desired
        services[name]!.desired = replicas
        if replicas != before { services[name]!.note("scaled from \(before) to \(replicas)", at: now) }
        for index in service.replicas.keys.sorted() where index >= replicas {
            stopReplica(name, index: index, reason: "service \(name) scaled to \(replicas)", at: now, &directives)
        }
        for index in 0..<replicas where services[name]!.replicas[index] == nil {
            // Scaling is the owner's way to try a replica that kept failing again.
            if (services[name]!.failures[index] ?? 0) >= Self.maxReplicaFailures { services[name]!.failures[index] = 0 }
            try startReplica(name, index: index, at: now, &directives)
        }
        return directives
    }

    /// Stops a service: every replica is cancelled and none is started again.
    public mutating func stopService(_ name: String, by principal: Principal, at now: Double) throws(LifecycleError)
        -> [Directive]
    {
        let service = try self.service(name, for: principal)
        guard !service.stopped else { throw .conflict("service \(name) is stopped already") }
        services[name]!.stopped = true
        services[name]!.desired = 0
        services[name]!.note("stopped by \(principal.user)", at: now)
        var directives: [Directive] = [.storeServices([name])]
        for index in service.replicas.keys.sorted() {
            stopReplica(name, index: index, reason: "service \(name) stopped", at: now, &directives)
        }
        return directives
    }

    /// The prober found replica job `id` ready (or no longer ready): the router sends it traffic only when ready.
    /// A replica that became ready clears its crash-loop count.
    public mutating func replicaReady(_ id: JobID, _ ready: Bool, at now: Double) -> [Directive] {
        guard let ref = jobs[id]?.replica, jobs[id]?.state == .running, var service = services[ref.service],
            service.replicas[ref.index] == id
        else { return [] }
        let changed = ready ? service.ready.insert(id).inserted : service.ready.remove(id) != nil
        guard changed else { return [] }
        if ready { service.failures[ref.index] = nil }
        service.note("replica \(ref.index) (job \(id)) \(ready ? "ready" : "not ready")", at: now)
        services[ref.service] = service
        return [.storeServices([ref.service])]
    }

    /// The gateway gave up on replica job `id` (its alive check kept failing, or it was never ready within the
    /// startup deadline): it fails with `reason` (its processes are killed) and counts as a failure of its replica,
    /// which starts again after the crash-loop backoff.
    public mutating func failReplica(_ id: JobID, reason: String, at now: Double) throws(LifecycleError)
        -> [Directive]
    {
        guard let job = jobs[id], job.replica != nil else { throw .notFound("job \(id) is not a service replica") }
        guard !job.state.isTerminal else { return [] }
        var directives: [Directive] = []
        if job.state == .pending { snapshot?.pending.remove(id) }
        end(id, job.state == .running ? .fail : .cancel, exitCode: nil, reason: reason, at: now, &directives)
        return directives
    }

    /// Replacements in a row after which a failing replica is left stopped (`muster scale` tries again).
    public static let maxReplicaFailures = 5

    /// Gives every replica a service wants a job: those whose job is gone or ended (a controller restart, a start
    /// that failed for want of nodes) get a new one.
    mutating func reconcileServices(at now: Double, _ directives: inout [Directive]) {
        for name in services.keys.sorted() where !services[name]!.stopped {
            let service = services[name]!
            for index in 0..<service.desired where (service.failures[index] ?? 0) < Self.maxReplicaFailures {
                if let id = service.replicas[index], let job = jobs[id], !job.state.isTerminal { continue }
                services[name]!.replicas[index] = nil
                do {
                    try startReplica(name, index: index, at: now, &directives)
                    directives.append(.storeServices([name]))
                } catch {
                    services[name]!.note("replica \(index) cannot start yet: \(error)", at: now)
                }
            }
        }
    }

    /// Starts replica `index` of service `name` as a new job: restartable after node failures without limit of
    /// the job's own, held for a backoff if the replica has been failing (10 s doubling to 10 min).
    mutating func startReplica(_ name: String, index: Int, at now: Double, _ directives: inout [Directive])
        throws(LifecycleError)
    {
        guard let service = services[name] else { return }
        var spec = service.spec.replica
        spec.name = "\(name)-\(index)"
        let outcome = try submit(
            spec, tasksPerNode: service.spec.tasksPerNode, owner: service.owner, launch: service.spec.launch,
            maxRestarts: Self.maxRestarts, now: now)
        let id = outcome.id
        jobs[id]!.replica = ReplicaRef(service: name, index: index)
        services[name]!.replicas[index] = id
        directives += outcome.directives
        let failures = service.failures[index] ?? 0
        if failures > 0 {
            let delay = min(600, config.requeueBackoff * Double(1 << min(failures - 1, 20)))
            snapshot?.pending.remove(id)
            held.insert(id)
            notBefore[id] = now + delay
            jobs[id]!.reason =
                "replica \(index) of service \(name) failed \(failures) time(s) in a row; restarts "
                + "\(Int(delay)) s later"
        }
    }

    /// Cancels the job of replica `index` and forgets the replica.
    mutating func stopReplica(
        _ name: String, index: Int, reason: String, at now: Double, _ directives: inout [Directive]
    ) {
        guard let id = services[name]?.replicas.removeValue(forKey: index) else { return }
        services[name]!.ready.remove(id)
        services[name]!.failures[index] = nil
        guard let job = jobs[id], !job.state.isTerminal else { return }
        if job.state == .pending { snapshot?.pending.remove(id) }
        end(id, .cancel, exitCode: nil, reason: reason, at: now, &directives)
    }

    /// A replica's job ended (`end`): while the service still wants that replica, a new job takes its place.
    mutating func replicaEnded(
        _ id: JobID, _ ref: ReplicaRef, state: JobState, at time: Double,
        _ directives: inout [Directive]
    ) {
        guard var service = services[ref.service], service.replicas[ref.index] == id else { return }
        service.replicas[ref.index] = nil
        service.ready.remove(id)
        if state != .completed { service.failures[ref.index, default: 0] += 1 }
        let failing = (service.failures[ref.index] ?? 0) >= Self.maxReplicaFailures
        let again = !service.stopped && ref.index < service.desired && !failing
        if failing && !service.stopped {
            service.note(
                "replica \(ref.index) failed \(Self.maxReplicaFailures) times in a row; not started again (muster "
                    + "scale starts it anew)", at: time)
        }
        service.note(
            "replica \(ref.index) (job \(id)) \(state.rawValue)" + (again ? "; starting a new one" : ""), at: time)
        services[ref.service] = service
        directives.append(.storeServices([ref.service]))
        guard again else { return }
        do {
            try startReplica(ref.service, index: ref.index, at: time, &directives)
        } catch {
            services[ref.service]!.note("replica \(ref.index) could not be started again: \(error)", at: time)
        }
    }
}
