import MusterAPI
import MusterServer
import Testing

@Suite struct UtilisationRingTests {
    func sample(_ t: Double) -> UtilisationSample {
        UtilisationSample(time: t, gpus: 8, busyGPUs: Int(t) % 9, nodesUp: 2, runningJobs: 1, pendingJobs: 0)
    }

    @Test func keepsTheNewestSamplesOldestFirstOnceFull() {
        var ring = UtilisationRing(capacity: 3)
        #expect(ring.samples.isEmpty)
        ring.append(sample(1))
        ring.append(sample(2))
        #expect(ring.samples.map(\.time) == [1, 2])
        for t in 3...7 { ring.append(sample(Double(t))) }
        #expect(ring.samples.map(\.time) == [5, 6, 7])
        ring.append(sample(8))
        #expect(ring.samples.map(\.time) == [6, 7, 8])
    }

    @Test func aRingOfOneHoldsTheLastSample() {
        var ring = UtilisationRing(capacity: 1)
        for t in 1...4 { ring.append(sample(Double(t))) }
        #expect(ring.samples.map(\.time) == [4])
    }
}
