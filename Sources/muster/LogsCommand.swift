import ArgumentParser
import Foundation
import MusterAPI

/// `muster logs ID`: a rank's output; `-f` follows it until the job ends.
struct LogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs", abstract: "Print a job's output (rank 0 unless --rank); -f follows it.")

    @OptionGroup var client: ClientOptions

    @Argument(help: "Job id.")
    var id: Int64

    @Option(help: "Rank whose output to print.")
    var rank: Int = 0

    @Flag(name: .shortAndLong, help: "Keep printing new output until the job ends.")
    var follow = false

    func run() async throws {
        try await client.withClient { client in
            var offset: Int64 = 0
            while true {
                let chunk = try await client.logs(id, rank: rank, offset: offset)
                if !chunk.data.isEmpty {
                    if self.client.json {
                        try printJSON(chunk)
                    } else {
                        FileHandle.standardOutput.write(Data(chunk.data.utf8))
                    }
                }
                let advanced = chunk.nextOffset > offset
                offset = chunk.nextOffset
                if chunk.complete || (!follow && !advanced) { break }
                if !advanced { try await Task.sleep(for: .milliseconds(300)) }
            }
        }
    }
}
