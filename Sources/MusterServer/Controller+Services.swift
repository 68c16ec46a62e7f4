import MusterAPI
import MusterCore

/// A running replica as the gateway needs it: where to reach it and whether it is ready.
struct ReplicaTarget: Sendable, Hashable {
    var job: JobID
    var host: String
    var port: Int
    var ready: Bool
    /// Replaced by a rollout: it gets no new requests and is retired once idle.
    var draining = false
    /// When its job started running (its startup deadline runs from there).
    var startedAt: Double
}

/// A service as the gateway needs it.
struct ServiceView: Sendable {
    var name: String
    var owner: String
    var spec: ServiceSpec
    var desired: Int
    var stopped: Bool
    var targets: [ReplicaTarget]
}

extension Controller {
    /// Checks a `muster serve` request field by field and starts the service; answers with it.
    public func createService(_ request: ServiceRequest, by principal: Principal) async throws(ControllerError)
        -> ServiceInfo
    {
        try available()
        let now = clock.now()
        let spec = try ServiceValidation.spec(request, defaultTimeLimit: config.defaultTimeLimit, now: now)
        let directives: [Directive]
        do {
            directives = try lifecycle.createService(spec, owner: principal.user, now: now)
        } catch {
            throw ControllerError(error)
        }
        try await apply(directives)
        return try serviceInfo(spec.name, for: principal)
    }

    /// One service, if `principal` may see it (with the gateway's figures when given).
    public func serviceInfo(_ name: String, for principal: Principal, load: [JobID: Int] = [:], queued: Int = 0)
        throws(ControllerError) -> ServiceInfo
    {
        let service: Service
        do {
            service = try lifecycle.service(name, for: principal)
        } catch {
            throw ControllerError(error)
        }
        return info(service, load: load, queued: queued)
    }

    /// What the router needs to take a request for service `name` from `principal` (who must own it, or be an
    /// admin): its caps, or why not. Cheaper than `serviceInfo`, for every proxied request.
    func routeLimits(_ name: String, for principal: Principal) throws(ControllerError) -> (
        maxInflight: Int, maxQueue: Int
    ) {
        let service: Service
        do {
            service = try lifecycle.service(name, for: principal)
        } catch {
            throw ControllerError(error)
        }
        guard !service.stopped else { throw .conflict("service \(name) is stopped") }
        return (service.spec.maxInflight, service.spec.maxQueue)
    }

    /// The services `principal` may see, by name.
    public func serviceList(for principal: Principal) -> [ServiceInfo] {
        lifecycle.services.keys.sorted().compactMap { name in
            guard let service = lifecycle.services[name], principal.owns(service.owner) else { return nil }
            return info(service, load: [:], queued: 0)
        }
    }

    /// Sets a service's replica count (`muster scale`; the autoscaler calls it as the owner).
    public func scaleService(_ name: String, to replicas: Int, by principal: Principal, why: String? = nil)
        async throws(ControllerError) -> ServiceInfo
    {
        try available()
        let directives: [Directive]
        do {
            directives = try lifecycle.scaleService(name, to: replicas, by: principal, why: why, at: clock.now())
        } catch {
            throw ControllerError(error)
        }
        try await apply(directives)
        return try serviceInfo(name, for: principal)
    }

    /// Starts a rolling update of a service to a new replica (`muster rollout`).
    public func rolloutService(_ name: String, _ request: RolloutRequest, by principal: Principal)
        async throws(ControllerError) -> ServiceInfo
    {
        try available()
        let now = clock.now()
        let current: Service
        do {
            current = try lifecycle.service(name, for: principal)
        } catch {
            throw ControllerError(error)
        }
        var spec = try ServiceValidation.spec(
            ServiceRequest(name: name, replica: request.replica), defaultTimeLimit: config.defaultTimeLimit, now: now)
        // Only the replica changes; the service's scaling, routing and probes stay.
        let replica = spec.replica
        let (launch, tasks) = (spec.launch, spec.tasksPerNode)
        spec = current.spec
        spec.replica = replica
        spec.launch = launch
        spec.tasksPerNode = tasks
        let directives: [Directive]
        do {
            directives = try lifecycle.rolloutService(spec, by: principal, at: now)
        } catch {
            throw ControllerError(error)
        }
        try await apply(directives)
        return try serviceInfo(name, for: principal)
    }

    /// The gateway saw a replaced replica go idle: retire it.
    func retireReplica(_ job: JobID) async {
        try? await apply(lifecycle.retireReplica(job, at: clock.now()))
    }

    /// Stops a service: its replicas are cancelled.
    public func stopService(_ name: String, by principal: Principal) async throws(ControllerError) -> ServiceInfo {
        try available()
        let directives: [Directive]
        do {
            directives = try lifecycle.stopService(name, by: principal, at: clock.now())
        } catch {
            throw ControllerError(error)
        }
        try await apply(directives)
        return try serviceInfo(name, for: principal)
    }

    /// The prober's finding about a replica; applied like any event.
    func replicaProbed(_ job: JobID, ready: Bool) async {
        let directives = lifecycle.replicaReady(job, ready, at: clock.now())
        try? await apply(directives)
    }

    /// Ends a replica the gateway gave up on (alive check failed, or never ready in time): its job is cancelled
    /// with the reason and the lifecycle starts a new one.
    func failReplica(_ job: JobID, reason: String) async {
        guard let owner = lifecycle.jobs[job]?.owner, lifecycle.jobs[job]?.state.isTerminal == false else { return }
        var directives: [Directive] = []
        do {
            directives = try lifecycle.failReplica(job, reason: reason, at: clock.now())
        } catch {
            logger.warning("replica job \(job) of \(owner) not failed: \(error)")
        }
        try? await apply(directives)
    }

    /// Every service that is not stopped, with where its running replicas listen.
    func serviceViews() -> [ServiceView] {
        lifecycle.services.values.filter { !$0.stopped }.sorted { $0.spec.name < $1.spec.name }.map { service in
            var targets: [ReplicaTarget] = []
            let surge = service.rollout?.surge.map { [$0] } ?? []
            for id in (Array(service.replicas.values) + surge + Array(service.draining)).sorted() {
                guard let job = lifecycle.jobs[id], job.state == .running, let attempt = job.attempt,
                    let node = lifecycle.nodes[attempt.nodes[0]], attempt.ranks.first?.started == true
                else { continue }
                targets.append(
                    ReplicaTarget(
                        job: id, host: node.inventory.address, port: attempt.servicePort,
                        ready: service.ready.contains(id), draining: service.draining.contains(id),
                        startedAt: attempt.startedAt ?? attempt.scheduledAt))
            }
            return ServiceView(
                name: service.spec.name, owner: service.owner, spec: service.spec, desired: service.desired,
                stopped: service.stopped, targets: targets)
        }
    }

    /// The controller's clock, which the gateway's deadlines and autoscaler windows share.
    func now() -> Double { clock.now() }

    /// Whether any service is running (the gateway sleeps otherwise).
    var hasServices: Bool { lifecycle.services.values.contains { !$0.stopped } }

    func info(_ service: Service, load: [JobID: Int], queued: Int) -> ServiceInfo {
        let replicas = service.replicas.keys.sorted().map { index -> ReplicaInfo in
            let id = service.replicas[index]!
            let job = lifecycle.jobs[id]
            let attempt = job?.state == .running ? job?.attempt : nil
            return ReplicaInfo(
                index: index, job: id, state: job?.state.rawValue ?? "unknown", ready: service.ready.contains(id),
                node: attempt?.nodes.first, port: attempt?.servicePort, inflight: load[id] ?? 0)
        }
        let spec = service.spec
        return ServiceInfo(
            name: spec.name, owner: service.owner, state: service.stopped ? "stopped" : "running",
            url: "/s/\(spec.name)/", desired: service.desired, ready: service.ready.count,
            minReplicas: spec.autoscale.minReplicas, maxReplicas: spec.autoscale.maxReplicas,
            targetInflight: spec.autoscale.targetInflight, maxInflight: spec.maxInflight, maxQueue: spec.maxQueue,
            inflight: load.values.reduce(0, +), queued: queued,
            gpusPerReplica: lifecycle.jobs[service.replicas.values.first ?? 0]?.shape.gpus ?? spec.replica.gpus,
            className: lifecycle.sharing?.classRanked(spec.replica.priority.rank).name ?? spec.replica.priority.name,
            team: spec.replica.team, replicas: replicas,
            events: service.events.map { ServiceEventInfo(time: $0.time, text: $0.text) })
    }
}
