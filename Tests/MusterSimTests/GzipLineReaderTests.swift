import Foundation
import Testing

@testable import MusterSim

@Suite struct GzipLineReaderTests {
    func lines(_ path: String) throws -> [String] {
        var out: [String] = []
        try GzipLineReader(path: path).forEachLine { (number: Int, text: Substring) in
            #expect(number == out.count + 1)
            out.append(String(text))
        }
        return out
    }

    @Test(arguments: ["t.txt", "t.txt.gz"])
    func readsPlainAndGzippedFilesAlike(name: String) throws {
        let path = try InputFixtures.file(name, "a,b\r\n\nc\nlast without newline")
        #expect(try lines(path) == ["a,b", "", "c", "last without newline"])
    }

    @Test func keepsALineLongerThanTheBufferWhole() throws {
        let long = String(repeating: "x", count: 3 << 20)
        let path = try InputFixtures.file("long.gz", "first\n\(long)\nthird\n")
        let read = try lines(path)
        #expect(read.count == 3)
        #expect(read[1].count == long.count)
        #expect(read[2] == "third")
    }

    @Test func emptyFileHasNoLines() throws {
        #expect(try lines(try InputFixtures.file("empty.csv", "")).isEmpty)
    }

    @Test func missingFileErrorNamesThePath() throws {
        #expect(throws: TraceError.unreadable(path: "/nonexistent/x.csv.gz", reason: "no such file, or not readable")) {
            try GzipLineReader(path: "/nonexistent/x.csv.gz").forEachLine { _, _ in }
        }
        let folder = try InputFixtures.folder()
        #expect(throws: TraceError.unreadable(path: folder, reason: "it is a directory, not a file")) {
            try GzipLineReader(path: folder).forEachLine { _, _ in }
        }
    }

    @Test func truncatedGzipIsReportedNotSilentlyShortened() throws {
        let path = try InputFixtures.file("t.csv.gz", String(repeating: "0123456789,abcdef\n", count: 50_000))
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: path))
        do {
            try GzipLineReader(path: path).forEachLine { _, _ in }
            Issue.record("expected an error")
        } catch {
            #expect(error.description.hasPrefix("cannot read \(path): corrupt or truncated gzip data"))
        }
    }
}
