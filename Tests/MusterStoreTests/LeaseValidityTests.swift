import MusterStore
import Testing

/// A controller's own view of its lease: held until the time to live (less a margin) after the start of its
/// last successful take or renewal, and not at all once dropped.
struct LeaseValidityTests {
    @Test func aLeaseIsHeldUntilItsTimeToLiveFromTheLastRenewalRanOut() {
        let validity = LeaseValidity()
        #expect(!validity.held, "never taken")
        validity.extend(from: .now, ttl: 60)
        #expect(validity.held)
        // An older renewal finishing late does not shorten it.
        validity.extend(from: .now - .seconds(120), ttl: 60)
        #expect(validity.held)
        validity.drop()
        #expect(!validity.held)
        // Taken 59.5 s ago with a 60 s lease: the margin (1 s) has it over already.
        validity.extend(from: .now - .milliseconds(59_500), ttl: 60)
        #expect(!validity.held)
    }
}
