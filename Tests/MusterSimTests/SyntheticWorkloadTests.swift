import Foundation
import MusterCore
import Testing

@testable import MusterSim

@Suite struct SyntheticWorkloadTests {
    func bytes(_ workload: Workload) -> String {
        workload.jobs.map(JSONLWorkload.line).joined(separator: "\n")
    }

    @Test func sameSeedGivesByteIdenticalJobsAndAnotherSeedDoesNot() {
        let a = SyntheticWorkload(clusterGPUs: 8_192, seed: 42).generate()
        let b = SyntheticWorkload(clusterGPUs: 8_192, seed: 42).generate()
        let c = SyntheticWorkload(clusterGPUs: 8_192, seed: 43).generate()
        #expect(bytes(a) == bytes(b))
        #expect(bytes(a) != bytes(c))
    }

    @Test(arguments: [(64, 0.8, UInt64(1)), (4_096, 0.5, 2), (8_192, 0.8, 3), (65_536, 0.9, 4), (65_536, 0.8, 5)])
    func offeredLoadIsWithinTenPercentOfTheTarget(gpus: Int, load: Double, seed: UInt64) {
        let generator = SyntheticWorkload(clusterGPUs: gpus, seed: seed, load: load)
        let jobs = generator.generate().jobs
        let offered = jobs.reduce(0.0) { $0 + Double($1.spec.gpus) * Double($1.runtime) }
        let achieved = offered / (Double(gpus) * Double(generator.duration))
        #expect(abs(achieved - load) / load < 0.1, "load \(achieved) for target \(load)")
        // The job count is near what the solved arrival rate predicts.
        let expected = generator.arrivalRate * Double(generator.duration)
        #expect(Double(jobs.count) > expected * 0.6 && Double(jobs.count) < expected * 1.4)
    }

    @Test func jobsFollowTheDocumentedShape() {
        let generator = SyntheticWorkload(clusterGPUs: 4_096, seed: 7, duration: 2 * 86_400)
        let jobs = generator.generate().jobs
        #expect(zip(jobs, jobs.dropFirst()).allSatisfy { $0.spec.submitTime <= $1.spec.submitTime })
        #expect(jobs.allSatisfy { $0.spec.submitTime >= 0 && $0.spec.submitTime < generator.duration })
        #expect(jobs.allSatisfy { $0.runtime >= 30 && $0.runtime <= generator.duration })
        #expect(jobs.allSatisfy { $0.spec.timeLimit >= $0.runtime && $0.spec.timeLimit <= 3 * $0.runtime + 60 })
        #expect(jobs.allSatisfy { $0.spec.timeLimit % 60 == 0 })
        #expect(jobs.allSatisfy { $0.spec.gpus >= 1 && $0.spec.gpus <= 1_024 })
        #expect(jobs.allSatisfy { $0.spec.gpus < 16 || $0.spec.gpus.nonzeroBitCount == 1 })
        let single = Double(jobs.filter { $0.spec.gpus == 1 }.count) / Double(jobs.count)
        #expect(single > 0.8 && single < 0.9, "1-GPU share \(single)")
        #expect(Set(jobs.map(\.spec.team)).count == 8)
        #expect(Set(jobs.map(\.spec.priority)) == [.low, .normal, .high])
    }

    @Test func millionGPUWeekHasRoughlyAMillionJobs() {
        let generator = SyntheticWorkload(clusterGPUs: 1_000_000, seed: 1)
        let expected = generator.arrivalRate * Double(generator.duration)
        #expect(expected > 500_000 && expected < 1_500_000, "\(expected) jobs expected")
    }

    @Test func emptyWhenThereIsNothingToOffer() {
        #expect(SyntheticWorkload(clusterGPUs: 0, seed: 1).generate().jobs.isEmpty)
        #expect(SyntheticWorkload(clusterGPUs: 64, seed: 1, duration: 0).generate().jobs.isEmpty)
        #expect(SyntheticWorkload(clusterGPUs: 64, seed: 1, load: 0).generate().jobs.isEmpty)
    }
}
