import MusterCore
import Testing

@testable import MusterServer

/// The numbered log of job changes behind `muster queue --watch`.
struct JobChangeLogTests {
    @Test func aWatcherGetsEachChangedJobOnceInTheOrderOfItsLastChange() {
        var log = JobChangeLog(capacity: 100)
        log.record([1, 2, 3])
        let mark = log.seq
        log.record([2, 4, 2])
        let found = log.since(mark)
        #expect(found.jobs == [4, 2] && found.seq == 6 && !found.reset)
        #expect(log.since(0).jobs == [1, 3, 4, 2])
        #expect(log.since(log.seq).jobs.isEmpty && !log.since(log.seq).reset)
    }

    @Test func aWatcherTooFarBehindOrFromAnotherControllerIsToldToListAgain() {
        var log = JobChangeLog(capacity: 4)
        log.record([1, 2, 3, 4, 5, 6])  // keeps changes 3...6
        #expect(log.since(2).jobs == [3, 4, 5, 6] && !log.since(2).reset)
        #expect(log.since(1).reset, "change 2 is gone")
        #expect(log.since(99).reset, "numbers beyond the last are a past controller's")
        log.record([7])
        #expect(log.since(5).jobs == [6, 7])
    }
}
