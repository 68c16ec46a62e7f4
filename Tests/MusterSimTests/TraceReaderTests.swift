import Foundation
import MusterCore
import Testing

@testable import MusterSim

@Suite struct TraceReaderTests {
    @Test(.enabled(if: traceDirectory != nil, "needs ../shared/data/traces or MUSTER_TRACE_DIR"))
    func phillyHasAll82247Jobs() throws {
        let workload = try PhillyTrace.load(traceDirectory: traceDirectory!)
        #expect(workload.jobs.count == 82_247)
        #expect(workload.jobs.first?.spec.submitTime == 0)
        #expect(workload.jobs.map(\.spec.gpus).max() == 128)
        let vcs = try PhillyTrace.virtualClusters(traceDirectory: traceDirectory!)
        #expect(vcs.count == 11)
        #expect(vcs.reduce(0) { $0 + $1.nodes } == 352)
    }

    @Test(.enabled(if: traceDirectory != nil, "needs ../shared/data/traces or MUSTER_TRACE_DIR"))
    func openbDefaultSkipsCPUOnlyPodsAndKeepsTheRest() throws {
        let workload = try OpenbTrace.load(traceDirectory: traceDirectory!)
        #expect(workload.jobs.count == 8_152 - 1_088)
        #expect(workload.notes.first?.hasPrefix("1088 CPU-only") == true)
        let nodes = try OpenbTrace.nodes(traceDirectory: traceDirectory!)
        #expect(nodes.nodes.count == 1_213)
        #expect(nodes.nodes.reduce(0) { $0 + $1.gpus } == 6_212)
    }

    @Test func badPhillyRowNamesFileLineAndField() throws {
        let path = try temporaryFile(
            "bad_philly.csv.gz",
            "timestamp,duration,num_gpus,gpu_time,cluster\n2017-10-09 07:01:55,66.0,1,66.0,11cb48\n"
                + "2017-10-09 06:13:03,2951.0,x,2951.0,6214e9\n")
        #expect(
            throws: TraceError.badField(
                file: "bad_philly.csv.gz", line: 3, field: "num_gpus",
                message: "'x' is not an integer")
        ) {
            try PhillyTrace.load(path: path)
        }
    }

    @Test func badTimestampAndShortRowAreReported() throws {
        let path = try temporaryFile(
            "p.csv", "timestamp,duration,num_gpus,gpu_time,cluster\n2017-13-09 07:01:55,66.0,1,66.0,a\n")
        do {
            _ = try PhillyTrace.load(path: path)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.hasPrefix("p.csv line 2: timestamp"))
        }
        let short = try temporaryFile("q.csv", "timestamp,duration,num_gpus,gpu_time,cluster\n2017-10-09 07:01:55,66\n")
        do {
            _ = try PhillyTrace.load(path: short)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("q.csv line 2: expected 5 comma-separated fields"))
        }
    }

    @Test func missingFileSaysWhichPath() {
        #expect(throws: TraceError.unreadable(path: "/nonexistent/x.csv.gz", reason: "no such file, or not readable")) {
            try PhillyTrace.load(path: "/nonexistent/x.csv.gz")
        }
    }

    @Test func jsonlRoundTripsAndBadLinesNameTheField() throws {
        let workload = SyntheticWorkload(clusterGPUs: 256, seed: 3, duration: 3_600).generate()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("muster-\(UUID().uuidString).jsonl")
        try JSONLWorkload.write(workload, to: dir.path)
        let back = try JSONLWorkload.load(path: dir.path)
        #expect(back.jobs == workload.jobs)

        let bad = try temporaryFile(
            "w.jsonl", "# comment\n{\"submit\": 0, \"gpus\": 1, \"runtime\": 10}\n\n{\"submit\": 5, \"gpus\": 2}\n")
        #expect(throws: TraceError.badField(file: "w.jsonl", line: 4, field: "runtime", message: "is missing")) {
            try JSONLWorkload.load(path: bad)
        }
        let wrongType = try temporaryFile("v.jsonl", "{\"submit\": 0, \"gpus\": \"eight\", \"runtime\": 10}\n")
        #expect(throws: TraceError.badField(file: "v.jsonl", line: 1, field: "gpus", message: "has the wrong type")) {
            try JSONLWorkload.load(path: wrongType)
        }
        let badPriority = try temporaryFile(
            "u.jsonl", "{\"submit\": 0, \"gpus\": 1, \"runtime\": 10, \"priority\": \"vip\"}\n")
        #expect(throws: TraceError.self) { try JSONLWorkload.load(path: badPriority) }
    }

    @Test func presetsHaveTheAdvertisedShape() throws {
        let colossus = try ClusterPreset.parse("colossus:1M").cluster()
        #expect(colossus.nodeCount == 125_000)
        #expect(colossus.totalGPUs == 1_000_000)
        #expect(colossus.levelBlocks[0].count == 3_907)
        let philly = try ClusterPreset.parse("philly").cluster()
        #expect(philly.totalGPUs == 2_816)
        #expect(philly.levelBlocks[0].count == 11)
        #expect(throws: TraceError.self) { try ClusterPreset.parse("superpod:12") }
        #expect(throws: TraceError.self) { try ClusterPreset.parse("mainframe") }
    }

    @Test func syntheticIsDeterministicAndNearItsTargetLoad() {
        let a = SyntheticWorkload(clusterGPUs: 65_536, seed: 42, duration: 7 * 86_400, load: 0.8).generate()
        let b = SyntheticWorkload(clusterGPUs: 65_536, seed: 42, duration: 7 * 86_400, load: 0.8).generate()
        #expect(a.jobs == b.jobs)
        let c = SyntheticWorkload(clusterGPUs: 65_536, seed: 43, duration: 7 * 86_400, load: 0.8).generate()
        #expect(a.jobs != c.jobs)
        // Heavy-tailed: compare the offered load over many seeds' mean, within a generous band.
        var offered = 0.0
        for seed in UInt64(1)...8 {
            let w = SyntheticWorkload(clusterGPUs: 65_536, seed: seed, duration: 7 * 86_400, load: 0.8).generate()
            offered += w.jobs.reduce(0.0) { $0 + Double($1.spec.gpus) * Double($1.runtime) }
        }
        let load = offered / 8 / (65_536.0 * 7 * 86_400)
        #expect(load > 0.5 && load < 1.1, "offered load \(load)")
        #expect(a.jobs.allSatisfy { $0.runtime <= $0.spec.timeLimit })
    }
}
