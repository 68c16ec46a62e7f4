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
    /// beyond the count are cancelled. `why` (the autoscaler's reason) goes into the service's history.
    public mutating func scaleService(
        _ name: String, to replicas: Int, by principal: Principal, why: String? = nil, at now: Double
    ) throws(LifecycleError) -> [Directive] {
        let service = try self.service(name, for: principal)
        guard !service.stopped else { throw .conflict("service \(name) is stopped") }
        guard (0...AutoscalePolicy.maxReplicas).contains(replicas) else {
            throw .invalid(field: "replicas", "must be 0 to \(AutoscalePolicy.maxReplicas), got \(replicas)")
        }
        var directives: [Directive] = [.storeServices([name])]
        let before = service.desired
        services[name]!.desired = replicas
        if replicas != before {
            services[name]!.note("scaled from \(before) to \(replicas)" + (why.map { " (\($0))" } ?? ""), at: now)
        }
        for index in service.replicas.keys.sorted() where index >= replicas {
            // A ready replica drains first: no new requests, retired by the gateway once its last is answered.
            if let id = service.replicas[index], service.ready.contains(id), jobs[id]?.state == .running {
                services[name]!.replicas[index] = nil
                services[name]!.ready.remove(id)
                services[name]!.draining.insert(id)
                continue
            }
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
        // A rollout's new replica and the replaced ones still draining stop too.
        services[name]!.rollout = nil
        let others = (service.rollout?.surge.map { [$0] } ?? []) + service.draining.sorted()
        services[name]!.draining = []
        for id in others { endReplicaJob(id, failed: false, reason: "service \(name) stopped", at: now, &directives) }
        return directives
    }

    /// The prober found replica job `id` ready (or no longer ready): the router sends it traffic only when ready.
    /// A replica that became ready clears its crash-loop count.
    public mutating func replicaReady(_ id: JobID, _ ready: Bool, at now: Double) -> [Directive] {
        guard let ref = jobs[id]?.replica, jobs[id]?.state == .running, var service = services[ref.service] else {
            return []
        }
        if ready, service.rollout?.surge == id {
            // The new replica is ready: it takes its index, the old one drains and is retired by the gateway.
            var directives: [Directive] = [.storeServices([ref.service])]
            if let old = service.replicas[ref.index] {
                service.ready.remove(old)
                if jobs[old].map({ !$0.state.isTerminal }) == true { service.draining.insert(old) }
            }
            service.replicas[ref.index] = id
            service.ready.insert(id)
            service.rollout!.surge = nil
            service.rollout!.index = ref.index + 1
            service.note("replica \(ref.index) now runs version \(service.version) (job \(id))", at: now)
            services[ref.service] = service
            advanceRollout(ref.service, at: now, &directives)
            return directives
        }
        guard service.replicas[ref.index] == id else { return [] }
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
        var directives: [Directive] = []
        endReplicaJob(id, failed: true, reason: reason, at: now, &directives)
        return directives
    }

    /// Replacements in a row after which a failing replica is left stopped (`muster scale` tries again).
    public static let maxReplicaFailures = 5

    /// Starts a rolling update to `spec` (`muster rollout`): the same name, any new replica command, shape or
    /// settings. Replicas are replaced one at a time in index order; each new one must be ready before the old one
    /// is retired. A new replica that fails, or is not ready within the startup deadline, rolls the service back.
    public mutating func rolloutService(_ spec: ServiceSpec, by principal: Principal, at now: Double)
        throws(LifecycleError) -> [Directive]
    {
        try spec.validate()
        let service = try self.service(spec.name, for: principal)
        guard !service.stopped else { throw .conflict("service \(spec.name) is stopped") }
        guard service.rollout == nil else {
            throw .conflict("service \(spec.name) is rolling out version \(service.version) already; wait for it")
        }
        let resolved = try resolveSharing(spec.replica)
        do {
            try resolved.validate()
        } catch {
            throw LifecycleError(error)
        }
        services[spec.name]!.rollout = Rollout(previous: service.spec)
        services[spec.name]!.spec = spec
        services[spec.name]!.version += 1
        services[spec.name]!.note("rolling out version \(service.version + 1) by \(principal.user)", at: now)
        var directives: [Directive] = [.storeServices([spec.name])]
        advanceRollout(spec.name, at: now, &directives)
        return directives
    }

    /// Starts the new replica for the next index still on an older version, or ends the rollout.
    mutating func advanceRollout(_ name: String, at now: Double, _ directives: inout [Directive]) {
        guard let service = services[name], let rollout = service.rollout, rollout.surge == nil else { return }
        let next = service.replicas.keys.sorted().first { index in
            index >= rollout.index && jobs[service.replicas[index]!]?.replica?.version != service.version
        }
        guard let index = next else {
            services[name]!.rollout = nil
            services[name]!.note(
                rollout.rollback
                    ? "rolled back to version \(service.version)" : "version \(service.version) rolled out", at: now)
            directives.append(.storeServices([name]))
            return
        }
        do {
            try startReplica(name, index: index, surge: true, at: now, &directives)
        } catch {
            rollBack(name, because: "a new replica could not be started: \(error)", at: now, &directives)
        }
        directives.append(.storeServices([name]))
    }

    /// A rollout failed: the service goes back to the spec it rolled away from, as a rollout of its own (replicas
    /// already replaced are replaced again).
    mutating func rollBack(_ name: String, because reason: String, at now: Double, _ directives: inout [Directive]) {
        guard let rollout = services[name]?.rollout else { return }
        let failed = services[name]!.version
        services[name]!.note("rollout of version \(failed) failed: \(reason)", at: now)
        directives.append(.storeServices([name]))
        guard !rollout.rollback else {
            services[name]!.rollout = nil
            services[name]!.note("the rollback failed too; replicas stay as they are", at: now)
            return
        }
        // Back to the version number it had: replicas never replaced are already on it.
        services[name]!.spec = rollout.previous
        services[name]!.version = failed - 1
        services[name]!.rollout = Rollout(previous: rollout.previous, rollback: true)
        advanceRollout(name, at: now, &directives)
    }

    /// The gateway saw a drained replica go idle: its job is cancelled (replaced by a rollout, or scaled down).
    public mutating func retireReplica(_ id: JobID, at now: Double) -> [Directive] {
        guard let ref = jobs[id]?.replica, services[ref.service]?.draining.contains(id) == true else { return [] }
        var directives: [Directive] = []
        endReplicaJob(
            id, failed: false, reason: "drained and retired (service \(ref.service) scaled down or rolled out)",
            at: now, &directives)
        return directives
    }

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
    @discardableResult
    mutating func startReplica(
        _ name: String, index: Int, surge: Bool = false, at now: Double, _ directives: inout [Directive]
    ) throws(LifecycleError) -> JobID? {
        guard let service = services[name] else { return nil }
        var spec = service.spec.replica
        spec.name = "\(name)-\(index)"
        let outcome = try submit(
            spec, tasksPerNode: service.spec.tasksPerNode, owner: service.owner, launch: service.spec.launch,
            maxRestarts: Self.maxRestarts, replica: ReplicaRef(service: name, index: index, version: service.version),
            now: now)
        let id = outcome.id
        directives += outcome.directives
        if surge {
            services[name]!.rollout?.surge = id
            return id
        }
        services[name]!.replicas[index] = id
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
        return id
    }

    /// Cancels the job of replica `index` and forgets the replica.
    mutating func stopReplica(
        _ name: String, index: Int, reason: String, at now: Double, _ directives: inout [Directive]
    ) {
        guard let id = services[name]?.replicas.removeValue(forKey: index) else { return }
        services[name]!.ready.remove(id)
        services[name]!.failures[index] = nil
        endReplicaJob(id, failed: false, reason: reason, at: now, &directives)
    }

    /// Ends a replica's job that has not ended: out of the queue if pending; cancelled, or failed if `failed` and
    /// it runs.
    mutating func endReplicaJob(
        _ id: JobID, failed: Bool, reason: String, at now: Double, _ directives: inout [Directive]
    ) {
        guard let job = jobs[id], !job.state.isTerminal else { return }
        if job.state == .pending { snapshot?.pending.remove(id) }
        end(id, failed && job.state == .running ? .fail : .cancel, exitCode: nil, reason: reason, at: now, &directives)
    }

    /// A replica's job ended (`end`): while the service still wants that replica, a new job takes its place.
    mutating func replicaEnded(
        _ id: JobID, _ ref: ReplicaRef, state: JobState, at time: Double,
        _ directives: inout [Directive]
    ) {
        guard var service = services[ref.service] else { return }
        if service.draining.remove(id) != nil {
            services[ref.service] = service
            directives.append(.storeServices([ref.service]))
            return
        }
        if service.rollout?.surge == id {
            services[ref.service]!.rollout!.surge = nil
            rollBack(
                ref.service, because: "its new replica \(ref.index) (job \(id)) \(state.rawValue)", at: time,
                &directives)
            return
        }
        guard service.replicas[ref.index] == id else { return }
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
