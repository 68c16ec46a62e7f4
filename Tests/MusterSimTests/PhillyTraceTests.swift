import Foundation
import MusterCore
import Testing

@testable import MusterSim

@Suite struct PhillyTraceTests {
    static let header = "timestamp,duration,num_gpus,gpu_time,cluster\n"

    @Test(
        .enabled(
            if: InputFixtures.traceDirectory != nil, "no trace directory (../shared/data/traces or MUSTER_TRACE_DIR)"))
    func readsAll82247JobsInSubmitOrderFromZero() throws {
        let jobs = try PhillyTrace.load(traceDirectory: InputFixtures.traces).jobs
        #expect(jobs.count == 82_247)
        #expect(jobs.first?.spec.submitTime == 0)
        #expect(zip(jobs, jobs.dropFirst()).allSatisfy { $0.spec.submitTime <= $1.spec.submitTime })
        #expect(jobs.allSatisfy { $0.runtime >= 1 && $0.spec.timeLimit == $0.runtime && $0.spec.priority == .normal })
        #expect(jobs.filter { $0.spec.gpus == 1 }.count == 76_627)
        #expect(jobs.map(\.spec.gpus).max() == 128)
        #expect(Set(jobs.map(\.spec.team)).count == 15)
        #expect(jobs.map(\.runtime).max() == 4_628_226)
        // Sep 4 10:30:41 to Dec 22 08:02:11.
        #expect(jobs.last?.spec.submitTime == 9_408_690)
    }

    @Test(
        .enabled(
            if: InputFixtures.traceDirectory != nil, "no trace directory (../shared/data/traces or MUSTER_TRACE_DIR)"))
    func virtualClusterTableHas11VCsAnd352Nodes() throws {
        let vcs = try PhillyTrace.virtualClusters(traceDirectory: InputFixtures.traces)
        #expect(vcs.count == 11)
        #expect(vcs.reduce(0) { $0 + $1.nodes } == 352)
        #expect(vcs.first?.name == "6214e9")
    }

    @Test func submitTimesCountFromTheEarliestRowAndTiesKeepFileOrder() throws {
        let path = try InputFixtures.file(
            "p.csv.gz",
            Self.header + "2017-10-09 07:01:55,66.4,1,66.4,aa\n2017-10-09 06:13:03,0.2,2,0.4,bb\n"
                + "2017-10-09 07:01:55,5,1,5,cc\n2016-12-31 23:59:59,1,1,1,dd\n\n")
        let jobs = try PhillyTrace.load(path: path).jobs
        #expect(jobs.map(\.spec.team) == ["dd", "bb", "aa", "cc"])
        #expect(jobs.map(\.spec.submitTime) == [0, 24_300_784, 24_303_716, 24_303_716])
        #expect(jobs.map(\.runtime) == [1, 1, 67, 5])
        #expect(jobs.map(\.spec.name) == ["philly-5", "philly-3", "philly-2", "philly-4"])
    }

    @Test func badNumGPUsNamesFileLineAndField() throws {
        let path = try InputFixtures.file(
            "philly_jobs_pollux.csv.gz",
            Self.header + "2017-10-09 07:01:55,66.0,1,66.0,a\n2017-10-09 07:01:55,1,x,1,a\n")
        #expect(throws: TraceError.self) { try PhillyTrace.load(path: path) }
        do {
            _ = try PhillyTrace.load(path: path)
        } catch {
            #expect(error.description == "philly_jobs_pollux.csv.gz line 3: num_gpus 'x' is not an integer")
        }
    }

    @Test(arguments: [
        ("2017-13-09 07:01:55,66,1,66,a", "p.csv line 2: timestamp '2017-13-09 07:01:55' is not a time like"),
        ("2017-10-09 07:01:55,abc,1,66,a", "p.csv line 2: duration 'abc' is not a number"),
        ("2017-10-09 07:01:55,-3,1,66,a", "p.csv line 2: duration must not be negative"),
        ("2017-10-09 07:01:55,3,0,0,a", "p.csv line 2: num_gpus must be at least 1"),
        ("2017-10-09 07:01:55,3,1,3,", "p.csv line 2: cluster is empty"),
        ("2017-10-09 07:01:55,66", "p.csv line 2: expected 5 comma-separated fields"),
    ])
    func everyBadRowSaysWhereAndWhat(row: String, message: String) throws {
        let path = try InputFixtures.file("p.csv", Self.header + row + "\n")
        let text = InputFixtures.errorText { _ = try PhillyTrace.load(path: path) }
        #expect(text.hasPrefix(message), "\(text)")
    }

    @Test func unreadableFileSaysWhichPath() {
        #expect(throws: TraceError.unreadable(path: "/nonexistent/x.csv.gz", reason: "no such file, or not readable")) {
            try PhillyTrace.load(path: "/nonexistent/x.csv.gz")
        }
    }

    @Test func wrongHeaderIsRefused() throws {
        let path = try InputFixtures.file("p.csv", "a,b,c\n")
        #expect(throws: TraceError.self) { try PhillyTrace.load(path: path) }
    }

    @Test func missingTraceFileTellsHowToPointAtTheTraces() throws {
        let empty = try InputFixtures.folder()
        do {
            _ = try PhillyTrace.load(traceDirectory: empty)
            Issue.record("expected an error")
        } catch {
            #expect(
                error == .missingTraceFile(path: empty + "/philly/philly_jobs_pollux.csv.gz", traceDirectory: empty))
            #expect(error.description.contains("--trace-dir"))
            #expect(error.description.contains("MUSTER_TRACE_DIR"))
        }
    }

    @Test func timestampsAreParsedAsUTC() {
        func parse(_ s: String) -> Int64? {
            Array(s.utf8).withUnsafeBufferPointer { PhillyTrace.parseTimestamp($0) }
        }
        #expect(parse("1970-01-01 00:00:00") == 0)
        #expect(parse("2017-10-09 07:01:55") == 1_507_532_515)
        #expect(parse("2000-02-29 12:00:00") == 951_825_600)
        #expect(parse("2017-10-09T07:01:55") == nil)
        #expect(parse("2017-10-9 07:01:55") == nil)
    }
}
