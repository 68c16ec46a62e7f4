import Foundation
import MusterCore
import Testing

@testable import MusterSim

@Suite struct OpenbTraceTests {
    static let header =
        "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,"
        + "creation_time,deletion_time,scheduled_time\n"

    @Test(
        .enabled(
            if: InputFixtures.traceDirectory != nil, "no trace directory (../shared/data/traces or MUSTER_TRACE_DIR)"))
    func defaultVariantKeepsTheGPUPodsAndCountsTheRest() throws {
        let workload = try OpenbTrace.load(traceDirectory: InputFixtures.traces)
        #expect(workload.name == "openb:default")
        #expect(workload.jobs.count == 8_152 - 1_088)
        #expect(workload.notes.count == 3)
        #expect(workload.notes[0].hasPrefix("1088 CPU-only pods skipped"))
        #expect(workload.notes[1].hasPrefix("3078 fractional-GPU pods"))
        #expect(workload.notes[2].hasPrefix("861 never-scheduled pods"))
        let jobs = workload.jobs
        #expect(jobs.filter { $0.spec.gpus == 8 }.count == 44)
        #expect(jobs.allSatisfy { $0.runtime >= 1 && $0.spec.timeLimit == $0.runtime })
        #expect(zip(jobs, jobs.dropFirst()).allSatisfy { $0.spec.submitTime <= $1.spec.submitTime })
        #expect(jobs.first?.spec.name == "openb-pod-0000")
        #expect(jobs.first?.spec.cpusPerNode == 12)
        #expect(jobs.first?.spec.memoryMiBPerNode == 16_384)
        #expect(jobs.allSatisfy { ($0.spec.team == "BE") == ($0.spec.priority == .low) })
    }

    @Test(
        .enabled(
            if: InputFixtures.traceDirectory != nil, "no trace directory (../shared/data/traces or MUSTER_TRACE_DIR)"))
    func nodeListHas1213NodesAnd6212GPUsInLeavesOf32() throws {
        let layout = try OpenbTrace.nodes(traceDirectory: InputFixtures.traces)
        #expect(layout.nodes.count == 1_213)
        #expect(layout.nodes.reduce(0) { $0 + $1.gpus } == 6_212)
        #expect(layout.levelNames == ["leaf"])
        #expect(Set(layout.nodes.map { $0.path[0] }).count == 38)
        #expect(Set(layout.gpuModels.map(\.name)) == ["P100", "T4", "V100M16", "V100M32", "A10", "G2", "G3"])
        #expect(layout.nodes[0].cpus == 64)
        #expect(layout.gpuModels[layout.nodes[0].gpuModel].name == "P100")
    }

    @Test(
        .enabled(
            if: InputFixtures.traceDirectory != nil, "no trace directory (../shared/data/traces or MUSTER_TRACE_DIR)"))
    func variantsWithoutTimesOrUnknownNamesAreExplained() throws {
        do {
            _ = try OpenbTrace.load(traceDirectory: InputFixtures.traces, variant: "multigpu20")
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("line 1: has no creation, deletion or scheduled times"))
        }
        do {
            _ = try OpenbTrace.load(traceDirectory: InputFixtures.traces, variant: "nope")
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("openb variant 'nope' not found"))
            #expect(error.description.contains("default, gpushare100"))
        }
    }

    @Test func podsMapToJobsAsDocumented() throws {
        let path = try InputFixtures.file(
            "pods.csv.gz",
            Self.header + "p0,12000,16384,1,1000,,LS,Running,100,200,150\n"
                + "p1,500,1024,1,470,T4,BE,Pending,50,90,\n" + "p2,1000,0,0,0,,BE,Running,10,20,10\n"
                + "p3,64000,4096,8,1000,P100|T4,Burstable,Failed,100,100,100\n"
                + "p4,1,1,2,1000,,Guaranteed,Running,0,5,0\n")
        let workload = try OpenbTrace.load(path: path)
        let jobs = workload.jobs
        #expect(jobs.map(\.spec.name) == ["p4", "p1", "p0", "p3"])
        #expect(jobs.map(\.runtime) == [5, 40, 50, 1])
        #expect(jobs.map(\.spec.gpus) == [2, 1, 1, 8])
        #expect(jobs.map(\.spec.cpusPerNode) == [1, 1, 12, 64])
        #expect(jobs.map(\.spec.priority) == [.high, .low, .high, .normal])
        #expect(jobs.map(\.spec.team) == ["Guaranteed", "BE", "LS", "Burstable"])
        #expect(jobs.map(\.spec.submitTime) == [0, 50, 100, 100])
        #expect(jobs.map(\.spec.gpuModel) == [nil, "T4", nil, nil], "one model is a constraint, several are any")
        #expect(workload.notes.count == 4)
        #expect(workload.notes[0].hasPrefix("1 CPU-only"))
        #expect(workload.notes[1].hasPrefix("1 fractional-GPU"))
        #expect(workload.notes[2].hasPrefix("1 never-scheduled"))
        #expect(workload.notes[3].hasPrefix("1 pods' gpu_spec of several models"))
    }

    @Test(arguments: [
        ("p,1,1,1,1000,,LS,Running,10,,10", "pods.csv line 2: deletion_time is empty, expected an integer"),
        ("p,1,1,1,1000,,VIP,Running,10,20,10", "pods.csv line 2: qos 'VIP' is not one of LS"),
        ("p,1,1,1,1000,,LS,Running,10,5,10", "pods.csv line 2: deletion_time 5 is before creation_time 10"),
        ("p,1,1,1,1000,,LS,Running,10,20,30", "pods.csv line 2: scheduled_time 30 is outside"),
        ("p,1,1,1.5,1000,,LS,Running,10,20,10", "pods.csv line 2: num_gpu '1.5' is not an integer"),
        ("p,1,1,1,0,,LS,Running,10,20,10", "pods.csv line 2: gpu_milli must be 1 to 1000"),
        ("p,1,1,1,1000,,LS,Running,10,20", "pods.csv line 2: expected 11 comma-separated fields"),
    ])
    func badPodRowsSayWhereAndWhat(row: String, message: String) throws {
        let path = try InputFixtures.file("pods.csv", Self.header + row + "\n")
        let text = InputFixtures.errorText { _ = try OpenbTrace.load(path: path) }
        #expect(text.hasPrefix(message), "\(text)")
    }
}
