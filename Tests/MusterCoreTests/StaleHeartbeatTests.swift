import MusterCore
import Testing

/// A heartbeat speaks for the moment its agent took its task list: a relay may hold it while the node's start
/// report overtakes it, and a rank that started after it was taken is not missing from it.
@Suite struct StaleHeartbeatTests {
    typealias T = LifecycleTests

    @Test func aHeartbeatTakenBeforeARankStartedDoesNotLoseIt() throws {
        var (life, nodes) = try T.placedGang()
        for rank in 0..<2 {
            _ = life.taskStarted(TaskRef(job: 1, epoch: 1, rank: rank), on: nodes[rank], at: 5, now: 5)
        }
        #expect(life.jobs[1]?.state == .running)
        // Taken at 4 on the agent's clock, before the start at 5, applied at 6: nothing is lost.
        _ = try life.heartbeat(node: nodes[0], running: [], takenAt: 4, now: 6)
        #expect(life.jobs[1]?.state == .running)
        #expect(life.jobs[1]?.attempt?.ranks[0].exited == false)
        // Taken at 7, after the start, and still without rank 0: it is gone.
        _ = try life.heartbeat(node: nodes[0], running: [], takenAt: 7, now: 8)
        #expect(life.jobs[1]?.attempt?.ranks[0].exited == true)
        #expect(life.jobs[1]?.state != .running)
    }

    @Test func aHeartbeatWithoutItsTimeStillFindsAVanishedRank() throws {
        var (life, nodes) = try T.runningGang()
        _ = try life.heartbeat(node: nodes[1], running: [], now: 2)
        #expect(life.jobs[1]?.attempt?.ranks[1].exited == true)
    }
}
