import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import MusterAPI
import MusterCore
import NIOCore
import NIOHTTP1

/// The services' I/O edge: routes requests to `/s/NAME/...` to ready replicas (`ServiceRouter`), probes every
/// running replica each second (ready and alive), and applies each service's `Autoscaler` to the router's load.
/// State changes go through the `Controller` (and so the lifecycle); the gateway keeps only what is soft: the
/// routers, the autoscalers' windows and the probe counts. It sleeps while no service runs.
public actor ServiceGateway {
    let controller: Controller
    let logger: Logger
    let client: HTTPClient
    var routers: [String: ServiceRouter] = [:]
    var autoscalers: [String: Autoscaler] = [:]
    /// Where each replica (by job) listens.
    var addresses: [Int: (host: String, port: Int)] = [:]
    /// Requests waiting in a router's queue, by request id.
    var waiters: [UInt64: CheckedContinuation<Int?, Never>] = [:]
    var nextRequest: UInt64 = 1
    /// Alive checks failed in a row, by replica job.
    var unhealthy: [JobID: Int] = [:]
    /// Replica jobs that have been ready at least once (alive checks count for them; the startup deadline no more).
    var wasReady: Set<JobID> = []
    var wakeUp: CheckedContinuation<Void, Never>?
    var stopped = false
    /// Each service's answered requests over the last minute (`latency`).
    var latencies: [String: LatencyWindow] = [:]
    /// The origin of the latency windows' times.
    let epoch = ContinuousClock.now

    /// Alive checks that may fail in a row before a replica is restarted; seconds between probes.
    static let failureThreshold = 3
    static let probeInterval = 1.0
    /// Longest a request waits in a router's queue, and the largest answer passed back.
    static let queueTimeout = 30.0
    static let maxResponseBytes = 64 << 20

    public init(controller: Controller, logger: Logger) {
        self.controller = controller
        self.logger = logger
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(2), read: .seconds(120))
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Probes, routes and autoscales until `shutdown`.
    public func run() async {
        while !stopped {
            if await !controller.hasServices {
                await withCheckedContinuation { wakeUp = $0 }
                continue
            }
            await tick()
            try? await Task.sleep(for: .seconds(Self.probeInterval))
        }
    }

    /// A service was created or changed: stop sleeping.
    public func kick() {
        wakeUp?.resume()
        wakeUp = nil
    }

    public func shutdown() async {
        stopped = true
        kick()
        for (_, waiter) in waiters { waiter.resume(returning: nil) }
        waiters = [:]
        try? await client.shutdown()
    }

    /// One round: bring each router's replicas in line with the lifecycle's, probe them, autoscale.
    func tick() async {
        let views = await controller.serviceViews()
        let names = Set(views.map(\.name))
        for name in routers.keys where !names.contains(name) {
            routers[name] = nil
            autoscalers[name] = nil
        }
        let now = await controller.now()
        await withTaskGroup(of: (JobID, Bool, Bool).self) { group in
            for view in views {
                for target in view.targets {
                    let client = self.client
                    let spec = view.spec
                    group.addTask {
                        let ready = await Self.probe(client, target, path: spec.readyPath)
                        let alive = ready ? true : await Self.probe(client, target, path: spec.healthPath)
                        return (target.job, ready, alive)
                    }
                }
            }
            var results: [JobID: (ready: Bool, alive: Bool)] = [:]
            for await (job, ready, alive) in group { results[job] = (ready, alive) }
            for view in views { await apply(view, results, now: now) }
        }
    }

    /// Applies one service's probe results: readiness to the lifecycle and the router, restarts of replicas that
    /// died or never became ready, and the autoscaler's count. The router is changed in place before any call to
    /// the controller: a copy held across an `await` would undo what requests did to it meanwhile (a request
    /// queued then would be lost from the queue and wait until its timeout).
    func apply(_ view: ServiceView, _ results: [JobID: (ready: Bool, alive: Bool)], now: Double) async {
        let name = view.name
        if routers[name] == nil {
            routers[name] = ServiceRouter(maxInflight: view.spec.maxInflight, maxQueue: view.spec.maxQueue)
        }
        var retire: [JobID] = []
        var probed: [(JobID, Bool)] = []
        var failed: [(JobID, String)] = []
        let live = Set(view.targets.map { Int($0.job) })
        for replica in routers[name]!.replicas where !live.contains(replica.id) {
            routers[name]!.remove(replica.id)
            addresses[replica.id] = nil
            wasReady.remove(JobID(replica.id))
            unhealthy[JobID(replica.id)] = nil
        }
        var released: [(request: UInt64, replica: Int)] = []
        for target in view.targets {
            let id = Int(target.job)
            routers[name]!.add(id)
            addresses[id] = (target.host, target.port)
            let result = results[target.job] ?? (false, false)
            if target.draining {
                // Replaced by a rollout: no new requests; retired once its last one is answered.
                _ = routers[name]!.setReady(id, false)
                if routers[name]!.replicas.first(where: { $0.id == id })?.inflight == 0 { retire.append(target.job) }
                continue
            }
            if result.ready != target.ready { probed.append((target.job, result.ready)) }
            released += routers[name]!.setReady(id, result.ready)
            // Alive checks count once a replica has been ready; before, its startup deadline applies.
            if result.ready { wasReady.insert(target.job) }
            if result.alive {
                unhealthy[target.job] = nil
            } else if wasReady.contains(target.job) {
                unhealthy[target.job, default: 0] += 1
            }
            if (unhealthy[target.job] ?? 0) >= Self.failureThreshold {
                unhealthy[target.job] = nil
                failed.append(
                    (target.job, "alive check \(view.spec.healthPath) failed \(Self.failureThreshold) times"))
            } else if !wasReady.contains(target.job), now - target.startedAt > view.spec.startupDeadline {
                failed.append(
                    (target.job, "not ready within its startup deadline of \(Int(view.spec.startupDeadline)) s"))
            }
        }
        for (request, replica) in released { waiters.removeValue(forKey: request)?.resume(returning: replica) }
        var scale: (replicas: Int, reason: Autoscaler.Reason)?
        if !view.spec.autoscale.isFixed {
            var scaler = autoscalers[name] ?? Autoscaler(policy: view.spec.autoscale)
            scaler.record(inflight: Double(routers[name]!.load), at: now)
            let (replicas, reason) = scaler.decide(replicas: view.desired, now: now)
            autoscalers[name] = scaler
            if replicas != view.desired { scale = (replicas, reason) }
        }
        // Only now the calls that suspend.
        for job in retire { await controller.retireReplica(job) }
        for (job, ready) in probed { await controller.replicaProbed(job, ready: ready) }
        for (job, reason) in failed { await controller.failReplica(job, reason: reason) }
        if let scale {
            logger.info("service \(name): \(view.desired) -> \(scale.replicas) replicas (\(scale.reason.rawValue))")
            _ = try? await controller.scaleService(
                name, to: scale.replicas, by: Principal(user: view.owner, admin: false),
                why: "autoscaler: \(scale.reason.rawValue)")
        }
    }

    /// GET `path` on the replica; true on a 2xx answer within a second.
    static func probe(_ client: HTTPClient, _ target: ReplicaTarget, path: String) async -> Bool {
        var request = HTTPClientRequest(url: "http://\(target.host):\(target.port)\(path)")
        request.method = .GET
        guard let response = try? await client.execute(request, timeout: .seconds(1)) else { return false }
        _ = try? await response.body.collect(upTo: 1 << 16)
        return (200..<300).contains(response.status.code)
    }

    /// Forwards one request to a ready replica of service `name` (owned by `principal`, or an admin), waiting in
    /// the router's queue if every replica is at its cap; 503 with Retry-After when the queue is full or the wait
    /// runs out.
    public func forward(_ name: String, path: String, request: Request, principal: Principal) async throws -> Response {
        let limits = try await controller.routeLimits(name, for: principal)
        if routers[name] == nil {
            routers[name] = ServiceRouter(maxInflight: limits.maxInflight, maxQueue: limits.maxQueue)
        }
        let id = nextRequest
        nextRequest += 1
        let arrived = ContinuousClock.now
        let replica: Int
        switch routers[name]!.arrive(id) {
        case .forward(let chosen):
            replica = chosen
        case .refused:
            throw Self.busy(name)
        case .queued:
            kick()
            let timeout = Task {
                try? await Task.sleep(for: .seconds(Self.queueTimeout))
                self.expire(id, service: name)
            }
            let chosen = await withCheckedContinuation { waiters[id] = $0 }
            timeout.cancel()
            guard let chosen else { throw Self.busy(name) }
            replica = chosen
        }
        defer { finish(name, replica: replica) }
        guard let address = addresses[replica] else { throw Self.busy(name) }
        var outbound = HTTPClientRequest(url: "http://\(address.host):\(address.port)\(path)")
        outbound.method = HTTPMethod(rawValue: request.method.rawValue)
        for field in request.headers where [.contentType, .accept].contains(field.name) {
            outbound.headers.add(name: field.name.canonicalName, value: field.value)
        }
        let body = try await request.body.collect(upTo: ControllerRoutes.maxBody)
        outbound.body = .bytes(body)
        let response: HTTPClientResponse
        do {
            response = try await client.execute(outbound, timeout: .seconds(120))
        } catch {
            throw ControllerError(
                status: 502, code: "bad_gateway", message: "replica of \(name) did not answer: \(error)")
        }
        let bytes = try await response.body.collect(upTo: Self.maxResponseBytes)
        let now = ContinuousClock.now
        latencies[name, default: LatencyWindow()].record(
            at: seconds(now - epoch), seconds: seconds(now - arrived))
        var headers: HTTPFields = [:]
        if let type = response.headers.first(name: "content-type") { headers[.contentType] = type }
        return Response(
            status: .init(code: Int(response.status.code)), headers: headers, body: .init(byteBuffer: bytes))
    }

    /// A forwarded request is done: its replica's slot goes to the oldest waiting request.
    func finish(_ name: String, replica: Int) {
        guard var router = routers[name] else { return }
        let released = router.finished(on: replica)
        routers[name] = router
        for (request, next) in released { waiters.removeValue(forKey: request)?.resume(returning: next) }
    }

    /// A queued request waited too long: it leaves the queue and gets a 503.
    func expire(_ id: UInt64, service: String) {
        guard let waiter = waiters.removeValue(forKey: id) else { return }
        routers[service]?.abandon(id)
        waiter.resume(returning: nil)
    }

    /// The load of each replica and the queue, for `muster service show`.
    public func load(_ name: String) -> (byJob: [JobID: Int], queued: Int) {
        guard let router = routers[name] else { return ([:], 0) }
        var byJob: [JobID: Int] = [:]
        for replica in router.replicas { byJob[JobID(replica.id)] = replica.inflight }
        return (byJob, router.waiting)
    }

    /// The requests `name`'s replicas answered in the last minute, with their median and 99th percentile latency
    /// in milliseconds (queueing in the router included); nil when none.
    public func latency(_ name: String) -> (count: Int, p50: Double, p99: Double)? {
        latencies[name]?.summary(now: seconds(ContinuousClock.now - epoch))
    }

    private func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func busy(_ name: String) -> ControllerError {
        var error = ControllerError(
            status: 503, code: "busy", message: "service \(name) has no replica free and its queue is full; retry")
        error.retryAfter = 1
        return error
    }
}
