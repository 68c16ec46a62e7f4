import Foundation
import Logging
import MusterAPI
import MusterClient
import MusterServer
import Testing

extension EndToEnd {
    /// The relay tier: agents of a leaf talk to their relay, which batches for them towards the controller.
    @Suite struct Relays {
        /// Real agents behind a real `muster relay` process: a 2-node gang runs (assignments, reports and log
        /// uploads all pass the relay), and an agent killed with SIGKILL is declared down on its own silence,
        /// within the timeout, while the others stay up.
        @Test func agentsBehindARelayRunAGangAndASilentOneIsDeclaredDownInTime() async throws {
            let cluster = LiveCluster(gpusPerAgent: 4, heartbeatTimeout: 3)
            do {
                try await cluster.startController()
                let relay = try await cluster.startRelay("leaf0")
                for name in ["node-a", "node-b", "node-c"] { try cluster.startAgent(name, controller: relay) }
                try await cluster.waitForNodes(up: 3)
                let id = try await cluster.client.submit(
                    cluster.request(["/bin/sh", "-c", "echo rank-$RANK of $WORLD_SIZE"], gpus: 8, nodes: 2))
                let job = try await cluster.waitForJob(id, ["completed", "failed"])
                #expect(job.state == "completed", "\(job.reason ?? "")")
                try await cluster.waitForLog(id, rank: 1, contains: "rank-1 of 2")
                let t0 = Date()
                cluster.killAgent("node-c")
                _ = try await cluster.waitFor("node-c declared down", timeout: 20) {
                    try await cluster.client.nodes().first { $0.name == "node-c" && $0.state == "down" }
                }
                let took = Date().timeIntervalSince(t0)
                #expect(took <= cluster.heartbeatTimeout + 3, "declared down \(took) s after it went silent")
                // Two more timeouts: the nodes still heartbeating through the relay are never declared down.
                try await Task.sleep(for: .seconds(2 * cluster.heartbeatTimeout))
                let up = try await cluster.client.nodes().filter { $0.state == "up" }.map(\.name).sorted()
                #expect(up == ["node-a", "node-b"])
                let log = try String(contentsOfFile: cluster.dir + "/controller.log", encoding: .utf8)
                #expect(log.components(separatedBy: " declared down: ").count - 1 == 1, "only node-c")
            } catch {
                print(cluster.logTail("controller.log"))
                print(cluster.logTail("relay-leaf0.log"))
                cluster.stop()
                throw error
            }
            cluster.stop()
        }

        /// Two relays in one leaf, each agent given both (its own first): a relay killed with SIGKILL is passed
        /// over, its agents go on through the other, their node stays up and the job running there completes;
        /// new work still reaches them.
        @Test func agentsOfAKilledRelayGoOnThroughTheOtherWithoutGoingDown() async throws {
            let cluster = LiveCluster(gpusPerAgent: 4, heartbeatTimeout: 3)
            do {
                try await cluster.startController()
                let first = try await cluster.startRelay("leaf0-a")
                let second = try await cluster.startRelay("leaf0-b")
                try cluster.startAgent("node-a", controller: first + "," + second)
                try cluster.startAgent("node-b", controller: second + "," + first)
                try await cluster.waitForNodes(up: 2)
                let id = try await cluster.client.submit(
                    cluster.request(["/bin/sh", "-c", "sleep 6; echo done-$RANK"], gpus: 8, nodes: 2))
                try await cluster.waitForJob(id, ["running"])
                try await Task.sleep(for: .seconds(1))
                cluster.killRelay("leaf0-a")
                let job = try await cluster.waitForJob(id, ["completed", "failed"], timeout: 30)
                #expect(job.state == "completed", "\(job.reason ?? "")")
                try await cluster.waitForLog(id, rank: 0, contains: "done-0")
                let next = try await cluster.client.submit(cluster.request(["/bin/true"], gpus: 8, nodes: 2))
                #expect(try await cluster.waitForJob(next, ["completed", "failed"]).state == "completed")
                let up = try await cluster.client.nodes().filter { $0.state == "up" }.map(\.name).sorted()
                #expect(up == ["node-a", "node-b"])
                let log = try String(contentsOfFile: cluster.dir + "/controller.log", encoding: .utf8)
                #expect(!log.contains(" declared down: "), "no node went down")
            } catch {
                print(cluster.logTail("controller.log"))
                print(cluster.logTail("agent-node-a.log"))
                print(cluster.logTail("relay-leaf0-b.log"))
                cluster.stop()
                throw error
            }
            cluster.stop()
        }

        /// A relay in this process against a real controller: the heartbeats of its nodes that arrive together
        /// go in one request; each node gets its own assignment exactly once, however often it polls; reports
        /// take the job to its end; a node's calls need its own agent token.
        @Test func aRelayBatchesHeartbeatsAndHandsEachAssignmentOverOnce() async throws {
            let cluster = LiveCluster(gpusPerAgent: 4, heartbeatTimeout: 30)
            do {
                try await cluster.startController()
                let join = try String(contentsOfFile: cluster.dir + "/data/join.token", encoding: .utf8)
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                var logger = Logger(label: "relay-test")
                logger.logLevel = .error
                let relay = Relay(name: "leaf-1", controllerURL: cluster.url, joinToken: join, logger: logger)
                let names = (0..<8).map { "r-node-\($0)" }
                await #expect(throws: ClientError.self) {
                    _ = try await relay.register(Self.inventory(names[0]), bearer: "not-the-join-token")
                }
                var tokens: [String: String] = [:]
                for name in names {
                    tokens[name] = try await relay.register(Self.inventory(name), bearer: join).agentToken
                }
                try await cluster.waitForNodes(up: 8)
                await #expect(throws: ClientError.self) {
                    _ = try await relay.heartbeat(
                        Heartbeat(name: names[0], instance: "i", running: []), bearer: tokens[names[1]])
                }
                // Eight heartbeats at once: one batch.
                let before = await relay.stats
                let issued = tokens
                try await withThrowingTaskGroup(of: HeartbeatResponse.self) { group in
                    for name in names {
                        group.addTask {
                            try await relay.heartbeat(
                                Heartbeat(name: name, instance: "i", running: [], time: Date().timeIntervalSince1970),
                                bearer: issued[name])
                        }
                    }
                    for try await answer in group { #expect(answer.kill.isEmpty && !answer.reregister) }
                }
                let after = await relay.stats
                #expect(after.heartbeats - before.heartbeats == 8)
                #expect(after.heartbeatBatches - before.heartbeatBatches == 1)
                // An 8-node gang: every node polls through the relay and gets its one rank.
                let id = try await cluster.client.submit(cluster.request(["/bin/true"], gpus: 32, nodes: 8))
                var ranks: [Int] = []
                for name in names {
                    let batch = try await relay.assignments(
                        node: name, after: 0, instance: nil, waitMilliseconds: 10_000, bearer: tokens[name])
                    #expect(batch.assignments.count == 1 && batch.assignments.first?.task.jobID == id)
                    ranks += batch.assignments.map(\.task.rank)
                    // Acknowledged: polling again hands nothing over twice.
                    let again = try await relay.assignments(
                        node: name, after: batch.seq, instance: batch.controllerInstance, waitMilliseconds: 300,
                        bearer: tokens[name])
                    #expect(again.assignments.isEmpty && again.seq == batch.seq)
                    let task = batch.assignments[0].task
                    try await relay.report(
                        node: name,
                        [
                            TaskReport(task: task, event: .started, time: Date().timeIntervalSince1970),
                            TaskReport(task: task, event: .exited, time: Date().timeIntervalSince1970, exitCode: 0),
                        ], bearer: tokens[name])
                }
                #expect(ranks.sorted() == Array(0..<8))
                let job = try await cluster.waitForJob(id, ["completed", "failed"])
                #expect(job.state == "completed", "\(job.reason ?? "")")
                await relay.shutdown()
            } catch {
                print(cluster.logTail("controller.log"))
                cluster.stop()
                throw error
            }
            cluster.stop()
        }

        static func inventory(_ name: String) -> RegisterAgentRequest {
            RegisterAgentRequest(
                name: name,
                gpus: (0..<4).map { GPUInfo(index: $0, model: "H100", memoryMib: 81_559, uuid: "GPU-\(name)-\($0)") },
                cpus: 64, memoryMib: 500_000, leaf: "leaf1", spine: "spine0", address: "127.0.0.1",
                instance: UUID().uuidString)
        }
    }
}
