import Foundation
import MusterAPI
import MusterClient
import Testing

@testable import muster

#if canImport(Glibc)
    import Glibc
#endif

/// The PostgreSQL server of `MUSTER_TEST_POSTGRES` (see MusterStoreTests' `PostgresTestServer`): without it these
/// tests skip, except in CI, where they fail.
enum FailoverServer {
    static let url = ProcessInfo.processInfo.environment["MUSTER_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
    static let enabled = url != nil || ProcessInfo.processInfo.environment["CI"] == "true"
    static let skipMessage: Comment =
        "no PostgreSQL server: set MUSTER_TEST_POSTGRES=postgres://USER:PASSWORD@HOST:PORT/postgres (a superuser)"

    /// Two controllers on a new database: `cluster`'s on port `first` (started first, so it leads) and a standby
    /// process on `second`, with agents node-a and node-b given both addresses and up. `body` gets the cluster,
    /// the standby and both ports; every process is stopped afterwards.
    static func withPair(
        heartbeatTimeout: Double, _ body: (LiveCluster, Process, Int, Int) async throws -> Void
    ) async throws {
        let database = try createDatabase()
        let cluster = LiveCluster(gpusPerAgent: 4, heartbeatTimeout: heartbeatTimeout)
        let (first, second) = (try ListenAddress.freePort(), try ListenAddress.freePort())
        cluster.port = first
        let lease = ["--store", database, "--lease-ttl", "2"]
        cluster.controllerExtra = lease
        var standby: Process?
        defer {
            if let standby, standby.isRunning { kill(standby.processIdentifier, SIGKILL) }
            standby?.waitUntilExit()
            cluster.stop()
        }
        try await cluster.startController()
        let spawned = try cluster.spawn(
            [
                "controller", "--data", cluster.dir + "/data2", "--listen", "127.0.0.1:\(second)",
                "--heartbeat-timeout", "\(heartbeatTimeout)", "--kill-grace", "1", "--requeue-backoff", "1",
                "--master-ports", "\(cluster.masterPorts.lowerBound)-\(cluster.masterPorts.upperBound)",
            ] + lease, log: "standby.log")
        standby = spawned
        let both = "http://127.0.0.1:\(first),http://127.0.0.1:\(second)"
        for name in ["node-a", "node-b"] { try cluster.startAgent(name, controller: both) }
        try await cluster.waitForNodes(up: 2)
        try await body(cluster, spawned, first, second)
    }

    /// A new database on the server (created with psql); returns its URL.
    static func createDatabase() throws -> String {
        let server = try #require(url, "CI=true but MUSTER_TEST_POSTGRES is not set: .ci/run should start PostgreSQL")
        let name = "muster_failover_\(UUID().uuidString.prefix(8).lowercased())"
        let psql = Process()
        psql.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        psql.arguments = [server, "-q", "-c", "CREATE DATABASE \(name)"]
        try psql.run()
        psql.waitUntilExit()
        try #require(psql.terminationStatus == 0, "psql could not create database \(name)")
        let base = server.split(separator: "?", maxSplits: 1)
        var head = String(base[0])
        head = String(head[..<(head.lastIndex(of: "/") ?? head.endIndex)])
        return head + "/" + name + (base.count > 1 ? "?" + base[1] : "")
    }
}

extension EndToEnd {
    @Suite(.enabled(if: FailoverServer.enabled, FailoverServer.skipMessage))
    struct Failover {
        /// `muster bench failover` as a user runs it: 4 clients submit (with idempotency keys) while the leader is
        /// killed with SIGKILL; its printed counts: the standby leads within 15 s, no acknowledged job is lost,
        /// none started twice, every one completes, and the job running across the kill keeps its attempt.
        @Test func severalClientsSubmittingThroughTheKillLoseNothingAndStartNothingTwice() async throws {
            let database = try FailoverServer.createDatabase()
            let bench = Process()
            bench.executableURL = URL(fileURLWithPath: LiveCluster.executable)
            bench.arguments = [
                "bench", "failover", "--postgres", database, "--clients", "4", "--seconds-before", "2",
                "--seconds-after", "3",
            ]
            let pipe = Pipe()
            bench.standardOutput = pipe
            bench.standardError = pipe
            try bench.run()
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            bench.waitUntilExit()
            #expect(bench.terminationStatus == 0, "\(output)")
            func number(after label: String) -> Double? {
                guard let range = output.range(of: label) else { return nil }
                return Double(output[range.upperBound...].prefix { $0.isNumber || $0 == "." })
            }
            let takeover = try #require(number(after: "the standby led "), "\(output)")
            let acknowledged = try #require(number(after: "jobs acknowledged: "), "\(output)")
            #expect(takeover < 15, "\(output)")
            #expect(acknowledged > 50, "the clients kept submitting: \(output)")
            #expect(number(after: "lost: ") == 0, "\(output)")
            #expect(number(after: "started twice: ") == 0, "\(output)")
            #expect(number(after: "completed: ") == acknowledged, "\(output)")
            #expect(output.contains("job running across the kill: completed, epoch 1, started 1 time(s)"), "\(output)")
        }

        /// A leader that stalls past its lease (SIGSTOP) is replaced; when it runs again it finds the lease gone,
        /// stops leading and stands by on its own address (no supervisor, no restart): it answers 503 naming the
        /// new leader, and leads again, with every job, when that one is killed.
        @Test func aDeposedLeaderStandsByAgainAndLeadsWhenTheNewOneDies() async throws {
            try await FailoverServer.withPair(heartbeatTimeout: 6) { cluster, standby, first, second in
                let leader = try #require(cluster.controller)
                let both = "http://127.0.0.1:\(first),http://127.0.0.1:\(second)"
                let token = try cluster.adminToken()
                let atFirst = MusterClient(baseURL: "http://127.0.0.1:\(first)", token: token)
                let atSecond = MusterClient(baseURL: "http://127.0.0.1:\(second)", token: token)
                let client = MusterClient(baseURL: both, token: token, connections: 4)
                defer { Task { for c in [atFirst, atSecond, client] { await c.shutdown() } } }
                func notLeader(_ c: MusterClient) async -> ClientError? {
                    do {
                        _ = try await c.jobs()
                        return nil
                    } catch {
                        return error.code == "not_leader" ? error : nil
                    }
                }
                func ends(_ id: Int64) async throws -> String {
                    try await cluster.waitFor("job \(id) to end", timeout: 40) { () -> String? in
                        let job = try? await client.job(id)
                        return job.flatMap { ["completed", "failed", "cancelled"].contains($0.state) ? $0.state : nil }
                    }
                }
                let before = try await client.submit(cluster.request(["/bin/true"], gpus: 4))
                #expect(try await ends(before) == "completed")

                // The leader stalls past its lease: the standby takes over.
                kill(leader.processIdentifier, SIGSTOP)
                _ = try await cluster.waitFor("the standby to lead", timeout: 15) { try? await atSecond.jobs() }
                kill(leader.processIdentifier, SIGCONT)
                // Awake again, it answers nothing from its old state, not even its first request: its lease ran
                // out by its own clock while it stalled.
                let staleAnswer = (try? await atFirst.jobs()) != nil
                #expect(!staleAnswer, "the stalled leader answered from its old state after waking")
                // Standing by, it names the new leader.
                _ = try await cluster.waitFor("the old leader to stand by naming the new one", timeout: 15) {
                    await notLeader(atFirst).flatMap { "\($0)".contains("127.0.0.1:\(second)") ? $0 : nil }
                }
                #expect(leader.isRunning, "it stands by instead of exiting")
                #expect(cluster.logTail("controller.log", lines: 400).contains("standing by again"))
                let during = try await client.submit(cluster.request(["/bin/true"], gpus: 4))
                #expect(try await ends(during) == "completed")

                // The new leader dies: the first leads again, with every job.
                kill(standby.processIdentifier, SIGKILL)
                standby.waitUntilExit()
                _ = try await cluster.waitFor("the first controller to lead again", timeout: 15) {
                    try? await atFirst.jobs()
                }
                for id in [before, during] {
                    let state = try await atFirst.job(id).state
                    #expect(state == "completed", "job \(id), seen completed before the kill")
                }
                let after = try await client.submit(cluster.request(["/bin/true"], gpus: 4))
                #expect(try await ends(after) == "completed")
                #expect(after > during)
            }
        }

        /// Two controllers on one PostgreSQL database; the leader is killed with SIGKILL. The standby leads within
        /// 15 s; no acknowledged job is lost, none starts twice, and the running gang keeps running to the end.
        @Test func standbyTakesOverWhenTheLeaderIsKilled() async throws {
            try await FailoverServer.withPair(heartbeatTimeout: 4) { cluster, standby, first, second in
                let both = "http://127.0.0.1:\(first),http://127.0.0.1:\(second)"
                // The standby answers, and answers 503 not_leader naming the leader.
                let direct = MusterClient(baseURL: "http://127.0.0.1:\(second)", token: try cluster.adminToken())
                let client = MusterClient(baseURL: both, token: try cluster.adminToken(), connections: 4)
                defer { Task { await direct.shutdown() } }
                defer { Task { await client.shutdown() } }
                let refused = try await cluster.waitFor("the standby to answer", timeout: 30) { () -> ClientError? in
                    do {
                        _ = try await direct.jobs()
                        return nil
                    } catch let error as ClientError {
                        return error.code == "not_leader" ? error : nil
                    } catch {
                        return nil
                    }
                }
                #expect(refused.status == 503 && "\(refused)".contains("127.0.0.1:\(first)"))

                let marker = cluster.dir + "/starts"
                let running = try await client.submit(
                    cluster.request(
                        ["/bin/sh", "-c", "echo start >> \(marker); echo running; sleep 12; echo finished"], gpus: 4,
                        nodes: 2))
                try await cluster.waitForLog(running, contains: "running")
                let before = try await client.job(running)
                var acknowledged: [Int64] = []
                for _ in 0..<20 {
                    acknowledged.append(try await client.submit(cluster.request(["/bin/true"], gpus: 4)))
                }

                cluster.killController()
                let killedAt = ContinuousClock.now
                _ = try await cluster.waitFor("the standby to lead", timeout: 15) { try? await direct.jobs() }
                let takeover = ContinuousClock.now - killedAt
                #expect(takeover < .seconds(15))

                let ids = Set(try await client.jobs().map(\.id))
                #expect(ids.isSuperset(of: acknowledged + [running]), "no acknowledged job is lost")
                let after = try await client.job(running)
                #expect(after.state == "running", "the gang keeps running through the failover")
                #expect(after.epoch == before.epoch && after.startTime == before.startTime)
                let finished = try await cluster.waitFor("the gang to end", timeout: 40) { () -> JobInfo? in
                    let job = try? await client.job(running)
                    return job.flatMap { ["completed", "failed", "cancelled"].contains($0.state) ? $0 : nil }
                }
                #expect(finished.state == "completed", "\(finished.reason ?? "")")
                let starts = try String(contentsOfFile: marker, encoding: .utf8)
                #expect(starts.split(separator: "\n").count == 2, "each of the 2 ranks started exactly once")
                for id in acknowledged {
                    let job = try await cluster.waitFor("job \(id) to end", timeout: 40) { () -> JobInfo? in
                        let job = try? await client.job(id)
                        return job.flatMap { ["completed", "failed", "cancelled"].contains($0.state) ? $0 : nil }
                    }
                    #expect(job.state == "completed")
                }
            }
        }
    }
}
