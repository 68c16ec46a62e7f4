import MusterCore
import Testing

@testable import MusterSim

@Suite struct InferenceComparisonTests {
    /// One replica created at `replicaAt` (after training's minimum runtime) and living 1,000 s, beside one
    /// 8-GPU training job from 0 running 10,000 s: on one 8-GPU node they collide.
    static func collision(replicaAt: Seconds = 1_000, headroom: Int? = nil) -> InferenceComparison {
        let inference = DLRMTrace(
            replicas: [.init(service: "app_0", created: replicaAt, deleted: replicaAt + 1_000)], horizon: 20_000)
        let training = TraceJob(spec: JobSpec(gpus: 8, timeLimit: 10_000), runtime: 10_000)
        return InferenceComparison(inference: inference, training: [training], trainingGPUs: 8, headroom: headroom)
    }

    @Test func replicasAreServingReplicasAndTrainingIsPreemptible() {
        let c = Self.collision()
        #expect(c.replicaCount == 1)
        #expect(c.jobs[0].service == "app_0" && c.jobs[0].spec.team == "inference" && c.jobs[0].spec.gpus == 1)
        #expect(c.jobs[1].service == nil && c.jobs[1].spec.team == "training")
        let classes = SharingPolicy()
        #expect(classes.classNamed(c.jobs[0].spec.priority.name)?.preemptible == false)
        #expect(classes.classNamed(c.jobs[1].spec.priority.name)?.preemptible == true)
    }

    @Test func eachModeHasTheTeamsAndPoolsItDescribes() throws {
        let c = Self.collision(headroom: 3)
        #expect(c.inferenceGPUs == 8, "the peak of 1 replica, rounded up to a node")
        let pools = try c.partitions(.dedicated, gpus: 32)
        #expect(pools.map(\.name) == ["inference", "training"] && pools.map(\.cluster.totalGPUs) == [8, 24])
        #expect(try c.partitions(.shared, gpus: 24).map(\.cluster.totalGPUs) == [24])
        #expect(!c.sharing(.dedicated, gpus: 16).preemption)
        let shared = c.sharing(.shared, gpus: 16)
        #expect(shared.preemption && shared.teams.isEmpty)
        #expect(
            c.sharing(.loaning, gpus: 24).teams == [
                TeamPolicy(name: "inference", guarantee: 8), TeamPolicy(name: "training", guarantee: 16),
            ])
        #expect(
            c.sharing(.headroom, gpus: 24).teams == [
                TeamPolicy(name: "inference", headroom: 3), TeamPolicy(name: "training", guarantee: 24),
            ])
    }

    @Test func aReplicaPreemptsTrainingWhenSharedButNotInItsOwnPool() throws {
        let c = Self.collision()
        let dedicated = try c.replay(.dedicated, gpus: 16)
        #expect(dedicated.preemptions == 0 && dedicated.placementSeconds.max == 0)
        for mode in [InferenceMode.shared, .loaning] {
            let shared = try c.replay(mode, gpus: 8)
            #expect(shared.preemptions == 1, "\(mode)")
            #expect(shared.placementSeconds.max == 0, "\(mode)")
            // 1,000 s of 8 GPUs since the start, before the first checkpoint (30 min): lost.
            #expect(shared.lostGPUHours > 2 && shared.lostGPUHours < 2.3, "\(mode)")
            #expect(shared.trainingJCTSeconds.mean > dedicated.trainingJCTSeconds.mean, "\(mode)")
        }
    }

    @Test func onlyAReplicaWithinTheHeadroomPreemptsGuaranteedTraining() throws {
        let within = try Self.collision(headroom: 1).replay(.headroom, gpus: 8)
        #expect(within.preemptions == 1 && within.placementSeconds.max == 0)
        let without = try Self.collision(headroom: 0).replay(.headroom, gpus: 8)
        #expect(without.preemptions == 0)
        #expect(without.placementSeconds.max == 9_000, "it waits for the training job to end at 10,000 s")
    }

    @Test func theSearchFindsTheSmallestClusterMeetingTheTarget() throws {
        // The replica arrives before training may be preempted (5 min), so on one node it would wait.
        let c = Self.collision(replicaAt: 100)
        let baseline = try c.replay(.dedicated, gpus: 16)
        let one = try c.replay(.shared, gpus: 8)
        #expect(!c.meets(one, baseline: baseline))
        let found = try c.smallestCluster(.shared, baseline: baseline)
        #expect(found.meetsTarget && found.clusterGPUs == 16 && found.replays > 1)
        let all = try c.run()
        #expect(all.map(\.mode) == [.dedicated, .dedicated, .shared, .loaning, .headroom])
        #expect(all.map(\.sized) == [false, true, true, true, true])
        #expect(all[1].clusterGPUs == 16, "the training pool cannot shrink below a node")
    }

    @Test func foldingLaysALongTraceOverTheSpanInSubmitOrder() {
        let jobs = [5, 130, 20, 100].map {
            TraceJob(spec: JobSpec(gpus: 1, timeLimit: 10, submitTime: $0), runtime: 10)
        }
        let folded = InferenceComparison.fold(jobs, onto: 100)
        #expect(folded.map(\.spec.submitTime) == [0, 5, 20, 30])
        #expect(folded.map(\.runtime) == [10, 10, 10, 10])
    }
}
