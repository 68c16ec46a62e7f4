import MusterCore
import Testing

/// Services in the lifecycle: replicas are gangs placed like training, restarted whole when they end, scaled and
/// stopped, and of a class that takes GPUs back from preemptible training.
@Suite struct LifecycleServiceTests {
    static let owner = Principal(user: "ana", admin: false)

    static func lifecycle(sharing: SharingPolicy? = nil) -> Lifecycle {
        Lifecycle(cluster: testCluster(leaves: 2, nodesPerLeaf: 4), config: LifecycleConfig(sharing: sharing))
    }

    static func spec(_ name: String = "embed", replicas: Int = 2, nodes: Int = 1, gpusPerNode: Int = 8)
        -> ServiceSpec
    {
        ServiceSpec(
            name: name,
            replica: JobSpec(
                gpus: nodes * gpusPerNode, nodes: nodes, gpusPerNode: gpusPerNode, timeLimit: 30 * 86_400,
                priority: PriorityClass.critical),
            autoscale: .fixed(replicas))
    }

    static func running(_ lifecycle: Lifecycle, _ name: String) -> [Int: JobID] {
        (lifecycle.services[name]?.replicas ?? [:]).filter { lifecycle.jobs[$0.value]?.state == .running }
    }

    @Test func aJobSubmittedAsAReplicaIsQueuedAndRunsAsAServiceReplica() throws {
        var lifecycle = Self.lifecycle(sharing: SharingPolicy())
        let spec = JobSpec(gpus: 1, timeLimit: 60, priority: .critical)
        let replica = try lifecycle.submit(spec, replica: ReplicaRef(service: "app_0", index: 0), now: 0).id
        let batch = try lifecycle.submit(spec, now: 0).id
        let queued = Dictionary(uniqueKeysWithValues: lifecycle.snapshot!.pending.map { ($0.id, $0.service) })
        #expect(queued == [replica: true, batch: false])
        _ = lifecycle.plan(now: 0)
        #expect(lifecycle.snapshot!.running[replica]?.service == true)
        #expect(lifecycle.snapshot!.running[batch]?.service == false)
        #expect(lifecycle.jobs[replica]?.replica?.service == "app_0")
        #expect(lifecycle.services.isEmpty, "a replica submitted alone belongs to no service the lifecycle keeps")
    }

    @Test func replicasAreGangsPlacedInOneLeafEach() throws {
        var lifecycle = Self.lifecycle()
        _ = try lifecycle.createService(Self.spec(replicas: 2, nodes: 2), owner: "ana", now: 0)
        _ = lifecycle.plan(now: 0)
        let replicas = Self.running(lifecycle, "embed")
        #expect(replicas.keys.sorted() == [0, 1])
        let cluster = lifecycle.snapshot!.cluster
        for id in replicas.values {
            let placement = try #require(lifecycle.placement(of: id))
            #expect(placement.nodes.count == 2 && leaves(of: placement, in: cluster).count == 1)
            #expect(lifecycle.jobs[id]?.replica?.service == "embed")
        }
        #expect(lifecycle.jobs[replicas[0]!]?.spec.name == "embed-0")
    }

    @Test func aReplicaThatEndsIsReplacedByANewJobForTheSameIndexUntilStopped() throws {
        var lifecycle = Self.lifecycle()
        _ = try lifecycle.createService(Self.spec(replicas: 2), owner: "ana", now: 0)
        _ = lifecycle.plan(now: 0)
        let old = try #require(lifecycle.services["embed"]?.replicas[1])
        let epoch = try #require(lifecycle.jobs[old]?.attempt?.epoch)
        _ = lifecycle.attemptExited(old, epoch: epoch, exitCode: 137, reason: "killed", now: 10)
        let new = try #require(lifecycle.services["embed"]?.replicas[1])
        #expect(new != old && lifecycle.jobs[old]?.state == .failed)
        #expect(lifecycle.services["embed"]?.failures[1] == 1)
        // A replica that keeps failing waits a backoff before its next start.
        #expect(lifecycle.held.contains(new) && lifecycle.jobs[new]?.reason?.contains("failed 1 time") == true)
        _ = lifecycle.tick(now: 30)
        _ = lifecycle.plan(now: 30)
        #expect(lifecycle.jobs[new]?.state == .running)
        _ = lifecycle.replicaReady(new, true, at: 35)
        #expect(lifecycle.services["embed"]?.failures[1] == nil && lifecycle.services["embed"]?.ready == [new])
        _ = try lifecycle.stopService("embed", by: Self.owner, at: 40)
        #expect(lifecycle.services["embed"]?.replicas.isEmpty == true)
        #expect(lifecycle.jobs[new]?.state == .cancelled)
    }

    @Test func scalingStartsAndCancelsReplicasAndOnlyTheOwnerMayDoIt() throws {
        var lifecycle = Self.lifecycle()
        _ = try lifecycle.createService(Self.spec(replicas: 1, gpusPerNode: 4), owner: "ana", now: 0)
        _ = try lifecycle.scaleService("embed", to: 3, by: Self.owner, at: 1)
        _ = lifecycle.plan(now: 1)
        #expect(Self.running(lifecycle, "embed").keys.sorted() == [0, 1, 2])
        let two = lifecycle.services["embed"]!.replicas[2]!
        _ = try lifecycle.scaleService("embed", to: 2, by: Self.owner, at: 2)
        #expect(
            lifecycle.services["embed"]!.replicas.keys.sorted() == [0, 1] && lifecycle.jobs[two]?.state == .cancelled)
        #expect(throws: LifecycleError.self) {
            try lifecycle.scaleService("embed", to: 5, by: Principal(user: "bob", admin: false), at: 3)
        }
        #expect(throws: LifecycleError.self) { try lifecycle.scaleService("embed", to: -1, by: Self.owner, at: 3) }
        #expect(throws: LifecycleError.self) { try lifecycle.createService(Self.spec(), owner: "bob", now: 4) }
        #expect(throws: LifecycleError.self) {
            try lifecycle.createService(Self.spec("Bad_Name"), owner: "ana", now: 4)
        }
        #expect(throws: LifecycleError.self) {
            try lifecycle.createService(Self.spec("huge", nodes: 9), owner: "ana", now: 4)
        }
        #expect(lifecycle.services["huge"] == nil, "a service whose replica can never fit is not kept")
    }

    @Test func aNewReplicaIsQueuedAsAServiceAtOnce() throws {
        var lifecycle = Self.lifecycle(sharing: SharingPolicy(teams: [TeamPolicy(name: "ads", headroom: 8)]))
        var spec = Self.spec(replicas: 1)
        spec.replica.team = "ads"
        _ = try lifecycle.createService(spec, owner: "ana", now: 0)
        #expect(lifecycle.snapshot?.pending.map(\.service) == [true], "headroom rules apply from its first pass")
    }

    @Test func aReadyReplicaBeyondAScaleDownDrainsBeforeItIsRetired() throws {
        var lifecycle = Self.lifecycle()
        _ = try lifecycle.createService(Self.spec(replicas: 2, gpusPerNode: 4), owner: "ana", now: 0)
        _ = lifecycle.plan(now: 0)
        let one = try #require(lifecycle.services["embed"]?.replicas[1])
        _ = lifecycle.replicaReady(one, true, at: 1)
        _ = try lifecycle.scaleService("embed", to: 1, by: Self.owner, at: 2)
        // Still running, out of the replicas and the ready set: the gateway sends it nothing new.
        #expect(lifecycle.jobs[one]?.state == .running)
        #expect(lifecycle.services["embed"]?.draining == [one] && lifecycle.services["embed"]?.replicas[1] == nil)
        #expect(lifecycle.services["embed"]?.ready.contains(one) == false)
        _ = lifecycle.retireReplica(one, at: 3)
        #expect(lifecycle.jobs[one]?.state == .cancelled && lifecycle.services["embed"]?.draining.isEmpty == true)
        #expect(lifecycle.services["embed"]?.replicas[1] == nil, "a drained replica is not started again")
    }

    @Test func aServingReplicaPreemptsPreemptibleTrainingForTheGPUsItNeeds() throws {
        var lifecycle = Self.lifecycle(sharing: SharingPolicy())
        for id in 1...8 as ClosedRange<JobID> {
            _ = try lifecycle.submit(
                JobSpec(gpus: 8, timeLimit: 86_400, priority: .normal), maxRestarts: 5, id: id, now: 0)
        }
        _ = lifecycle.plan(now: 0)
        #expect((1...8).allSatisfy { lifecycle.jobs[JobID($0)]?.state == .running })
        var spec = Self.spec(replicas: 1)
        spec.replica.priority = PriorityClass(name: "serving", rank: 300)
        _ = try lifecycle.createService(spec, owner: "ana", now: 600)
        _ = lifecycle.plan(now: 600)
        let preempted = (1...8).filter { lifecycle.jobs[JobID($0)]?.preemption != nil }
        #expect(preempted.count == 1, "one 8-GPU training job makes room for one 8-GPU replica: \(preempted)")
        // The victim names the service that took its GPUs (muster show, muster why).
        let victim = try #require(preempted.first.map { JobID($0) })
        let replica = try #require(lifecycle.services["embed"]?.replicas[0])
        let why = try #require(lifecycle.why(victim))
        #expect(why.hasPrefix("preempted by replica 0 of service embed (job \(replica))"), "\(why)")
    }

    @Test func aReplicaThatWaitsSaysWhichServiceAndWhy() throws {
        var lifecycle = Self.lifecycle()
        _ = try lifecycle.createService(Self.spec(replicas: 9), owner: "ana", now: 0)
        _ = lifecycle.plan(now: 0)
        let waiting = try #require(lifecycle.services["embed"]?.replicas[8])
        let why = try #require(lifecycle.why(waiting))
        #expect(why.hasPrefix("replica 8 of service embed waits: "), "\(why)")
        #expect(why.contains("GPUs"), "\(why)")
    }
}

extension LifecycleServiceTests {
    static func launch(_ version: String) -> JobLaunch {
        JobLaunch(command: ["serve", version], workdir: "/srv")
    }

    @Test func aRolloutReplacesReplicasOneAtATimeEachReadyBeforeTheOldIsRetired() throws {
        var lifecycle = Self.lifecycle()
        var spec = Self.spec(replicas: 2, gpusPerNode: 4)
        spec.launch = Self.launch("v1")
        _ = try lifecycle.createService(spec, owner: "ana", now: 0)
        _ = lifecycle.plan(now: 0)
        let old = lifecycle.services["embed"]!.replicas
        for id in old.values { _ = lifecycle.replicaReady(id, true, at: 1) }
        spec.launch = Self.launch("v2")
        _ = try lifecycle.rolloutService(spec, by: Self.owner, at: 10)
        #expect(throws: LifecycleError.self) { try lifecycle.rolloutService(spec, by: Self.owner, at: 11) }
        _ = lifecycle.plan(now: 10)
        let surge0 = try #require(lifecycle.services["embed"]!.rollout?.surge)
        #expect(lifecycle.jobs[surge0]?.launch == Self.launch("v2") && lifecycle.jobs[surge0]?.replica?.index == 0)
        #expect(lifecycle.services["embed"]!.replicas == old, "the old replica serves until the new one is ready")
        _ = lifecycle.replicaReady(surge0, true, at: 20)
        #expect(lifecycle.services["embed"]!.replicas[0] == surge0)
        #expect(lifecycle.services["embed"]!.draining == [old[0]!] && lifecycle.jobs[old[0]!]?.state == .running)
        _ = lifecycle.retireReplica(old[0]!, at: 21)
        #expect(lifecycle.jobs[old[0]!]?.state == .cancelled && lifecycle.services["embed"]!.draining.isEmpty)
        _ = lifecycle.plan(now: 21)
        let surge1 = try #require(lifecycle.services["embed"]!.rollout?.surge)
        _ = lifecycle.replicaReady(surge1, true, at: 30)
        #expect(lifecycle.services["embed"]!.rollout == nil && lifecycle.services["embed"]!.version == 2)
        #expect(lifecycle.services["embed"]!.events.last?.text == "version 2 rolled out")
    }

    @Test func aNewReplicaThatFailsRollsTheServiceBack() throws {
        var lifecycle = Self.lifecycle()
        var spec = Self.spec(replicas: 2, gpusPerNode: 4)
        spec.launch = Self.launch("v1")
        _ = try lifecycle.createService(spec, owner: "ana", now: 0)
        _ = lifecycle.plan(now: 0)
        let old = lifecycle.services["embed"]!.replicas
        spec.launch = Self.launch("broken")
        _ = try lifecycle.rolloutService(spec, by: Self.owner, at: 10)
        _ = lifecycle.plan(now: 10)
        let surge = try #require(lifecycle.services["embed"]!.rollout?.surge)
        let epoch = try #require(lifecycle.jobs[surge]?.attempt?.epoch)
        _ = lifecycle.attemptExited(surge, epoch: epoch, exitCode: 1, reason: "ImportError", now: 15)
        let service = lifecycle.services["embed"]!
        #expect(service.rollout == nil && service.spec.launch == Self.launch("v1") && service.version == 1)
        #expect(service.replicas == old, "no replica was touched")
        #expect(service.events.contains { $0.text.hasPrefix("rollout of version 2 failed: its new replica 0") })
        #expect(service.events.last?.text == "rolled back to version 1")
    }
}
