import Foundation
import Testing

@testable import MusterSim

@Suite struct TraceDirectoryTests {
    @Test func explicitFlagWinsOverTheEnvironment() throws {
        let flag = try InputFixtures.folder()
        let env = try InputFixtures.folder()
        #expect(try TraceDirectory.resolve(flag, environment: ["MUSTER_TRACE_DIR": env]) == flag)
        #expect(try TraceDirectory.resolve(nil, environment: ["MUSTER_TRACE_DIR": env]) == env)
        #expect(try TraceDirectory.resolve("", environment: ["MUSTER_TRACE_DIR": env]) == env)
    }

    @Test func namedDirectoriesThatDoNotExistAreErrorsNamingTheirSource() {
        do {
            _ = try TraceDirectory.resolve("/nonexistent/traces", environment: [:])
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "--trace-dir '/nonexistent/traces' is not a directory")
        }
        do {
            _ = try TraceDirectory.resolve(nil, environment: ["MUSTER_TRACE_DIR": "/nonexistent/env"])
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "MUSTER_TRACE_DIR '/nonexistent/env' is not a directory")
        }
    }

    @Test func fileInTheDirectoryMustExist() throws {
        let dir = try InputFixtures.folder()
        #expect(throws: TraceError.missingTraceFile(path: dir + "/philly/x.csv", traceDirectory: dir)) {
            try TraceDirectory.file("philly/x.csv", in: dir)
        }
    }
}
