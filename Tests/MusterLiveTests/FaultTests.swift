import Foundation
import MusterAPI
import MusterClient
import Testing

extension EndToEnd {
    @Suite struct Faults {
        @Test func controllerKilledWithSigkillLosesNoAcknowledgedJobAndReconcilesRunningOnes() async throws {
            try await withCluster(heartbeatTimeout: 4) { cluster in
                let marker = cluster.dir + "/starts"
                let running = try await cluster.client.submit(
                    cluster.request(
                        ["/bin/sh", "-c", "echo start >> \(marker); echo running; sleep 4; echo finished"], gpus: 4,
                        nodes: 2))
                try await cluster.waitForLog(running, contains: "running")
                let before = try await cluster.client.job(running)
                // Submits acknowledged right before the crash: some start, the rest wait behind the gang.
                var acknowledged: [Int64] = []
                for _ in 0..<20 {
                    acknowledged.append(try await cluster.client.submit(cluster.request(["/bin/true"], gpus: 4)))
                }
                cluster.killController()
                try await cluster.startController()
                let jobs = try await cluster.client.jobs()
                let ids = Set(jobs.map(\.id))
                #expect(ids.isSuperset(of: acknowledged + [running]))
                let after = try await cluster.client.job(running)
                #expect(after.state == "running")
                #expect(after.epoch == before.epoch && after.startTime == before.startTime)
                let done = try await cluster.waitForJob(running, ["completed", "failed"], timeout: 20)
                #expect(done.state == "completed", "\(done.reason ?? "")")
                #expect(try await cluster.logs(running).contains("finished"))
                let starts = try String(contentsOfFile: marker, encoding: .utf8)
                #expect(starts.split(separator: "\n").count == 2, "each of the 2 ranks started exactly once")
                for id in acknowledged {
                    #expect(try await cluster.waitForJob(id, ["completed", "failed"]).state == "completed")
                }
            }
        }

        @Test func agentThatDiesIsMarkedDownAndItsJobFails() async throws {
            try await withCluster(heartbeatTimeout: 2) { cluster in
                let pids = cluster.dir + "/pids"
                let id = try await cluster.client.submit(
                    cluster.request(["/bin/sh", "-c", "echo $$ >> \(pids); echo up; exec sleep 30"], gpus: 8, nodes: 2))
                try await cluster.waitForLog(id, rank: 1, contains: "up")
                try await cluster.waitForLog(id, rank: 0, contains: "up")
                let job = try await cluster.client.job(id)
                let victim = job.placement[1].node
                cluster.killAgent(victim)
                let failed = try await cluster.waitForJob(id, ["failed"], timeout: 15)
                #expect(failed.reason?.contains("node \(victim) stopped heartbeating") == true)
                let node = try #require(try await cluster.client.nodes().first { $0.name == victim })
                #expect(node.state == "down")
                // The orphaned rank of the dead agent is ours to clean up.
                for pid in (try? String(contentsOfFile: pids, encoding: .utf8))?.split(separator: "\n") ?? [] {
                    if let pid = Int32(pid) { kill(pid, SIGKILL) }
                }
                // New work goes to the node that is still up.
                let next = try await cluster.client.submit(cluster.request(["/bin/true"], gpus: 4))
                let ran = try await cluster.waitForJob(next, ["completed", "failed"])
                #expect(ran.state == "completed" && ran.placement.first?.node != victim)
            }
        }

        @Test func agentKilledAndRestartedLeavesNoOrphanAndNoGPUInTwoJobs() async throws {
            try await withCluster(heartbeatTimeout: 2) { cluster in
                let pids = cluster.dir + "/pids-restart"
                let id = try await cluster.client.submit(
                    cluster.request(["/bin/sh", "-c", "echo $$ >> \(pids); echo up; exec sleep 60"], gpus: 4))
                try await cluster.waitForLog(id, contains: "up")
                let victim = try #require(try await cluster.client.job(id).placement.first?.node)
                let pid = try #require(
                    Int32((try String(contentsOfFile: pids, encoding: .utf8)).split(separator: "\n").first ?? ""))
                cluster.killAgent(victim)
                #expect(kill(pid, 0) == 0, "the rank outlives its killed agent until a new agent starts")
                try cluster.startAgent(victim)
                // The new agent stops what its predecessor left; the controller sees the rank lost.
                let failed = try await cluster.waitForJob(id, ["failed"], timeout: 20)
                #expect(failed.reason != nil)
                // The job may fail (node down) before the new agent has started; give it time to stop the orphan.
                let deadline = Date().addingTimeInterval(15)
                while kill(pid, 0) == 0 && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
                #expect(kill(pid, 0) != 0, "no orphan: the old rank was killed")
                let nodes = try await cluster.client.nodes()
                let node = try #require(nodes.first { $0.name == victim })
                #expect(node.freeGPUs == node.gpus || node.state != "up")
            }
        }

        @Test func twoJobsWhoseRankZeroSharesANodeGetDifferentMasterPorts() async throws {
            try await withCluster(heartbeatTimeout: 5) { cluster in
                var ids: [Int64] = []
                for _ in 0..<4 {
                    ids.append(try await cluster.client.submit(cluster.request(["/bin/sleep", "20"], gpus: 1)))
                }
                var ports: [String: Set<Int>] = [:]
                for id in ids {
                    let job = try await cluster.waitForJob(id, ["running"], timeout: 20)
                    let port = try #require(job.masterPort)
                    let node = try #require(job.placement.first?.node)
                    #expect(ports[node, default: []].insert(port).inserted, "port \(port) twice on \(node)")
                    #expect((20_000...29_999).contains(port))
                }
                for id in ids { _ = try await cluster.client.cancel(id) }
            }
        }

        /// `--max-restarts 2`: the agent under a running job is killed; its node is declared down, the job goes
        /// back to the queue and restarts on the other node, with MUSTER_RESTART_COUNT=1 and a new epoch.
        @Test func aKilledAgentsRequeueableJobRestartsOnAnotherNode() async throws {
            try await withCluster(heartbeatTimeout: 2) { cluster in
                let (id, first, marker) = try await cluster.startRequeueable(maxRestarts: 2)
                let node = try #require(first.placement.first?.node)
                _ = try await cluster.waitFor("the first start", timeout: 10) {
                    (try? String(contentsOfFile: marker, encoding: .utf8))?.isEmpty == false ? true : nil
                }
                cluster.killAgent(node)
                let again = try await cluster.waitForRestart(id, timeout: 30)
                let other = try #require(again.placement.first?.node)
                #expect(other != node && again.epoch == first.epoch + 1 && again.maxRestarts == 2)
                let starts = try await cluster.waitFor("the second start", timeout: 10) { () -> [Substring]? in
                    let lines = (try? String(contentsOfFile: marker, encoding: .utf8))?.split(separator: "\n") ?? []
                    return lines.count == 2 ? lines : nil
                }
                #expect(starts == ["0 \(node)", "1 \(other)"])
                _ = try await cluster.client.cancel(id)
            }
        }

        /// `muster drain node-a --reason`: new work goes to node-b only, `muster nodes` shows why; a user may not
        /// drain; `muster resume` puts node-a back.
        @Test func drainedNodeTakesNoNewWorkUntilResumed() async throws {
            try await withCluster { cluster in
                let drained = try cluster.cli(["drain", "node-a", "--reason", "fan failing"], cwd: cluster.dir)
                #expect(drained.status == 0 && drained.output.contains("drained node-a: fan failing"), "\(drained)")
                let nodes = try cluster.cli(["nodes"], cwd: cluster.dir).output
                let row = nodes.split(separator: "\n").first { $0.hasPrefix("node-a") } ?? ""
                #expect(row.contains("drained") && row.hasSuffix("fan failing"), "\(nodes)")
                for _ in 0..<3 {
                    let id = try await cluster.client.submit(cluster.request(["/bin/true"], gpus: 4))
                    let job = try await cluster.waitForJob(id, ["completed", "failed"])
                    #expect(job.placement.map(\.node) == ["node-b"])
                }
                let alice = cluster.client(token: try await cluster.client.createToken(user: "alice").token)
                do {
                    _ = try await alice.resume("node-a")
                    Issue.record("a user resumed a node")
                } catch {
                    #expect("\(error)".contains("403"), "\(error)")
                }
                await alice.shutdown()
                #expect(try cluster.cli(["resume", "node-a"], cwd: cluster.dir).status == 0)
                let both = try await cluster.client.submit(cluster.request(["/bin/true"], gpus: 8, nodes: 2))
                #expect(try await cluster.waitForJob(both, ["completed", "failed"]).state == "completed")
            }
        }

        /// Each agent runs the operator's health script; when it fails on the node under a requeueable job, the
        /// node is drained with the script's words and the job restarts on the other node.
        @Test func failingHealthScriptDrainsTheNodeAndItsJobRestartsElsewhere() async throws {
            let cluster = LiveCluster(gpusPerAgent: 4, heartbeatTimeout: 2)
            defer { cluster.stop() }
            let script = try cluster.healthScript(failing: "GPU 3 fell off the bus")
            try await cluster.startController()
            for name in ["node-a", "node-b"] {
                try cluster.startAgent(name, extra: ["--health-script", script, "--health-interval", "0.3"])
            }
            try await cluster.waitForNodes(up: 2)
            let (id, first, marker) = try await cluster.startRequeueable(maxRestarts: 1)
            let node = try #require(first.placement.first?.node)
            FileManager.default.createFile(atPath: cluster.dir + "/sick-\(node)", contents: nil)
            let again = try await cluster.waitForRestart(id, timeout: 20)
            #expect(again.placement.first?.node != node)
            let info = try #require(try await cluster.client.nodes().first { $0.name == node })
            #expect(info.state == "drained")
            #expect(info.drainReason == "health check failed: exit 1: GPU 3 fell off the bus")
            _ = try await cluster.waitFor("the second start", timeout: 10) { () -> Bool? in
                (try? String(contentsOfFile: marker, encoding: .utf8))?.contains("1 node-") == true ? true : nil
            }
            _ = try await cluster.client.cancel(id)
        }

        /// With a third of the leaf held as a hot spare, a two-node gang whose node fails its health check restarts
        /// at once on its other node and the spare, ahead of a job that was waiting; `muster nodes` shows the spare.
        @Test func aGangWhoseNodeFailsRestartsOnTheHotSpareOfItsLeaf() async throws {
            let cluster = LiveCluster(gpusPerAgent: 4, heartbeatTimeout: 2)
            defer { cluster.stop() }
            let config = cluster.dir + "/muster.toml"
            try "[spares]\nshare = 0.34\n".write(toFile: config, atomically: true, encoding: .utf8)
            cluster.controllerExtra = ["--config", config]
            let script = try cluster.healthScript(failing: "uncorrectable ECC errors on GPU 1")
            try await cluster.startController()
            for name in ["node-a", "node-b", "node-c"] {
                try cluster.startAgent(name, extra: ["--health-script", script, "--health-interval", "0.3"])
            }
            try await cluster.waitForNodes(up: 3)
            let spare = try await cluster.waitFor("a spare", timeout: 10) { () async throws -> String? in
                try await cluster.client.nodes().first(where: \.spare)?.name
            }
            var request = cluster.request(
                ["/bin/sh", "-c", "echo $MUSTER_RESTART_COUNT $MUSTER_NODE_NAME >> \(cluster.dir)/starts; sleep 30"],
                gpus: 8, nodes: 2)
            request.maxRestarts = 1
            let id = try await cluster.client.submit(request)
            let first = try await cluster.waitForJob(id, ["running"])
            let nodes = Set(first.placement.map(\.node))
            #expect(nodes.count == 2 && !nodes.contains(spare), "ordinary work stays off the spare")
            let waiting = try await cluster.client.submit(cluster.request(["/bin/sleep", "30"], gpus: 4))
            let sick = nodes.sorted()[0]
            _ = FileManager.default.createFile(atPath: cluster.dir + "/sick-\(sick)", contents: nil)
            let again = try await cluster.waitForRestart(id, timeout: 45)
            #expect(Set(again.placement.map(\.node)) == nodes.subtracting([sick]).union([spare]))
            let state = try await cluster.client.job(waiting).state
            #expect(state == "pending", "the gang went first")
            let list = try await cluster.client.nodes()
            #expect(list.first { $0.name == sick }?.state == "drained")
            #expect(list.filter(\.spare).isEmpty, "the leaf has no idle node left to be its spare")
            _ = try await cluster.client.cancel(id)
            _ = try await cluster.client.cancel(waiting)
        }
    }
}
