import Foundation
import MusterAPI
import MusterClient
import Testing

extension EndToEnd {
    /// `muster history` and `muster usage` on a live controller: ended jobs stay queryable, filtered on the
    /// server; users see only their own.
    @Suite struct Accounting {
        @Test func historyAndUsageShowEndedJobsAndUsersSeeOnlyTheirOwn() async throws {
            try await withCluster(agents: 2, gpusPerAgent: 4) { cluster in
                // A real Unix user where the agent runs jobs as their owner (root); else the agent's own user.
                if canCreateUsers { try ensureUser("muster-bob") }
                let bobToken = try await cluster.client.createToken(user: "muster-bob").token
                let bob = cluster.client(token: bobToken)
                var mine: [Int64] = []
                for command in [["/bin/true"], ["/bin/sh", "-c", "sleep 1; exit 3"]] {
                    mine.append(try await bob.submit(cluster.request(command, gpus: 2)))
                }
                let admins = try await cluster.client.submit(cluster.request(["/bin/true"]))
                for id in mine + [admins] { _ = try await cluster.waitForJob(id, ["completed", "failed"]) }

                // Bob sees his two, newest first, with their GPU-hours; asking for someone else's is refused.
                let page = try await bob.history()
                #expect(page.jobs.map(\.id) == mine.reversed())
                let failed = try #require(page.jobs.first)
                #expect(
                    failed.state == "failed" && failed.exitCode == 3 && failed.user == "muster-bob" && failed.gpus == 2,
                    "\(page.jobs)")
                #expect(failed.gpuHours > 2 * 0.9 / 3_600 && failed.nodes.count == 1, "\(failed)")
                await #expect(throws: ClientError.self) { _ = try await bob.history(user: "root") }
                let completedOnly = try await bob.history(states: ["completed"])
                #expect(completedOnly.jobs.map(\.id) == [mine[0]])
                let bobsUsage = try await bob.usage(byTeam: false)
                #expect(bobsUsage.rows.map(\.key) == ["muster-bob"] && bobsUsage.rows.first?.jobs == 2)
                await bob.shutdown()

                // The admin sees all three; the CLI prints CSV and per-user totals.
                let all = try await cluster.client.history()
                #expect(Set(all.jobs.map(\.id)) == Set(mine + [admins]))
                let csv = try cluster.cli(["history", "--csv", "--state", "failed"], cwd: cluster.dir)
                let lines = csv.output.split(separator: "\n")
                #expect(csv.status == 0 && lines.count == 2, "\(csv.output)")
                #expect(lines.first?.hasPrefix("ID,NAME,USER,TEAM,CLASS,STATE") == true)
                #expect(lines.last?.hasPrefix("\(mine[1]),") == true)
                let usage = try cluster.cli(["usage", "--by", "user", "--json"], cwd: cluster.dir)
                let rows = try #require(
                    try JSONSerialization.jsonObject(with: Data(usage.output.utf8)) as? [[String: Any]])
                #expect(Set(rows.compactMap { $0["user"] as? String }).contains("muster-bob"), "\(usage.output)")
            }
        }
    }
}
