import MusterCore
import Testing

@Suite struct JobTests {
    @Test func illegalTransitionsAreRefused() {
        #expect(JobState.completed.next(on: .start) == nil)
        #expect(JobState.pending.next(on: .succeed) == nil)
        #expect(JobState.cancelled.next(on: .cancel) == nil)
        #expect(JobState.pending.next(on: .start) == .running)
        #expect(JobState.running.next(on: .preempt) == .preempted)
        #expect(JobState.preempted.next(on: .requeue) == nil)
        #expect(JobState.running.next(on: .requeue) == .pending)
    }

    @Test func terminalStatesNeverLeadAnywhere() {
        for state in JobState.allCases where state.isTerminal {
            for event in [JobEvent.start, .succeed, .fail, .cancel, .preempt, .requeue] {
                #expect(state.next(on: event) == nil)
            }
        }
    }

    @Test func gangShapeUsesWholeNodesOrAnEvenSplit() throws {
        #expect(try JobSpec(gpus: 4, timeLimit: 60).shape(maxGPUsPerNode: 8) == GangShape(nodes: 1, gpusPerNode: 4))
        #expect(try JobSpec(gpus: 64, timeLimit: 60).shape(maxGPUsPerNode: 8) == GangShape(nodes: 8, gpusPerNode: 8))
        #expect(try JobSpec(gpus: 12, timeLimit: 60).shape(maxGPUsPerNode: 8) == GangShape(nodes: 2, gpusPerNode: 6))
        #expect(
            try JobSpec(gpus: 8, gpusPerNode: 4, timeLimit: 60).shape(maxGPUsPerNode: 8)
                == GangShape(nodes: 2, gpusPerNode: 4))
    }

    @Test func invalidSpecNamesTheField() {
        #expect(throws: JobSpecError.invalid(field: "time_limit", "must be positive, got 0 s")) {
            try JobSpec(gpus: 1, timeLimit: 0).validate()
        }
        do {
            try JobSpec(gpus: 6, gpusPerNode: 4, timeLimit: 10).validate()
            Issue.record("expected an error")
        } catch {
            #expect(error.field == "gpus_per_node")
        }
    }

    @Test func jobThatCanNeverFitIsRejectedWithTheReason() {
        let cluster = testCluster(leaves: 1, nodesPerLeaf: 2)
        do {
            _ = try PendingJob(id: 1, spec: JobSpec(gpus: 32, timeLimit: 60), on: cluster)
            Issue.record("expected neverFits")
        } catch {
            #expect(error.description.contains("can never hold it"))
        }
    }
}
