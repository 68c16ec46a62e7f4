import Foundation
import MusterAPI
import MusterClient
import Testing

@testable import muster

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Whether Debian's Prometheus server is installed (`.ci/run` installs it).
let prometheusServer = "/usr/bin/prometheus"
let hasPrometheus = FileManager.default.isExecutableFile(atPath: prometheusServer)

extension EndToEnd {
    /// `GET /metrics`: what a real Prometheus server scrapes.
    @Suite struct Metrics {
        /// Jobs that complete, fail and are cancelled move the counters by exactly that; every histogram the
        /// issue names has samples; the GPU gauges add up to the cluster; names follow Prometheus conventions;
        /// no token, no metrics.
        @Test func theMetricsCountWhatHappenedAndFollowPrometheusConventions() async throws {
            try await withCluster(agents: 2, gpusPerAgent: 4) { cluster in
                let text = try await Self.runJobs(cluster)
                let samples = Self.parse(text)
                #expect(samples[#"muster_job_ends_total{outcome="completed"}"#] == 3)
                #expect(samples[#"muster_job_ends_total{outcome="failed"}"#] == 1)
                #expect(samples[#"muster_job_ends_total{outcome="cancelled"}"#] == 1)
                #expect(samples["muster_job_starts_total"] == 5)
                let idle = samples.filter { $0.key.hasPrefix("muster_gpus{") && $0.key.contains(#"state="idle""#) }
                #expect(idle.values.reduce(0, +) == 8, "2 agents x 4 GPUs, all idle again: \(idle)")
                #expect(samples[#"muster_nodes{state="up"}"#] == 2)
                let active = samples.filter { $0.key.hasPrefix("muster_jobs{") }
                #expect(!active.isEmpty && active.values.allSatisfy { $0 == 0 }, "nothing active any more: \(active)")
                for histogram in [
                    "muster_scheduler_pass_duration_seconds", "muster_scheduler_pass_decisions",
                    "muster_store_commit_duration_seconds", "muster_heartbeat_lag_seconds",
                ] {
                    #expect((samples[histogram + "_count"] ?? 0) > 0, "\(histogram) has samples")
                }
                let posts = samples[#"muster_http_request_duration_seconds_count{method="POST",route="/v1/jobs"}"#]
                #expect((posts ?? 0) >= 5)
                let missing = samples.keys.filter {
                    $0.hasPrefix("muster_http_request_errors_total") && $0.contains(#"status="404""#)
                }
                #expect(!missing.isEmpty, "the 404 of a job that does not exist is counted")
                // Conventions: one prefix, counters end in _total, durations in _seconds, a HELP line for each.
                let lines = text.split(separator: "\n")
                for (i, line) in lines.enumerated() where line.hasPrefix("# TYPE ") {
                    let parts = line.split(separator: " ")
                    #expect(i > 0 && lines[i - 1].hasPrefix("# HELP \(parts[2]) "), "a HELP line before \(line)")
                    #expect(parts[2].hasPrefix("muster_"), "\(line)")
                    if parts[3] == "counter" { #expect(parts[2].hasSuffix("_total"), "\(line)") }
                    if parts[2].contains("duration") || parts[2].contains("lag") {
                        #expect(parts[2].hasSuffix("_seconds"), "\(line)")
                    }
                }
                let stranger = cluster.client(token: "nope")
                await #expect(throws: ClientError.self) { _ = try await stranger.metrics() }
                await stranger.shutdown()
            }
        }

        /// A real Prometheus server (Debian's) scrapes the controller with a bearer token and answers queries
        /// on what it scraped.
        @Test(.enabled(if: hasPrometheus || ProcessInfo.processInfo.environment["CI"] != nil))
        func aRealPrometheusServerScrapesTheController() async throws {
            try #require(hasPrometheus, "CI must have \(prometheusServer) (.ci/run installs Debian's prometheus)")
            try await withCluster(agents: 2, gpusPerAgent: 4) { cluster in
                _ = try await Self.runJobs(cluster)
                let port = try ListenAddress.freePort()
                let config = cluster.dir + "/prometheus.yml"
                try cluster.adminToken().write(toFile: cluster.dir + "/scrape.token", atomically: true, encoding: .utf8)
                try """
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: muster
                    authorization:
                      type: Bearer
                      credentials_file: \(cluster.dir)/scrape.token
                    static_configs:
                      - targets: ["127.0.0.1:\(cluster.port)"]
                """.write(toFile: config, atomically: true, encoding: .utf8)
                let server = Process()
                server.executableURL = URL(fileURLWithPath: prometheusServer)
                server.arguments = [
                    "--config.file=\(config)", "--storage.tsdb.path=\(cluster.dir)/tsdb",
                    "--web.listen-address=127.0.0.1:\(port)",
                ]
                let log = FileHandle(forWritingAtPath: "/dev/null")
                server.standardOutput = log
                server.standardError = log
                try server.run()
                defer {
                    server.terminate()
                    server.waitUntilExit()
                }
                let base = "http://127.0.0.1:\(port)/api/v1/query?query="
                let completed = try await cluster.waitFor("Prometheus to have scraped the ends", timeout: 60) {
                    try await Self.query(base + #"muster_job_ends_total{outcome="completed"}"#).flatMap {
                        $0 == 3 ? $0 : nil
                    }
                }
                #expect(completed == 3)
                #expect(try await Self.query(base + #"up{job="muster"}"#) == 1)
                #expect(try await Self.query(base + "sum(muster_gpus)") == 8)
            }
        }

        /// Three jobs that complete, one that fails, one cancelled while it runs, one request for a job that
        /// does not exist; returns the metrics once every end is counted.
        static func runJobs(_ cluster: LiveCluster) async throws -> String {
            var ids: [Int64] = []
            for _ in 0..<3 { ids.append(try await cluster.client.submit(cluster.request(["/bin/true"]))) }
            ids.append(try await cluster.client.submit(cluster.request(["/bin/false"])))
            for id in ids { _ = try await cluster.waitForJob(id, ["completed", "failed"]) }
            let sleeper = try await cluster.client.submit(cluster.request(["/bin/sleep", "60"]))
            _ = try await cluster.waitForJob(sleeper, ["running"])
            let running = parse(try await cluster.client.metrics()).filter {
                $0.key.hasPrefix("muster_jobs{") && $0.key.contains(#"state="running""#)
                    && $0.key.contains(#"team="default""#)
            }
            #expect(running.values.reduce(0, +) == 1, "the sleeper runs: \(running)")
            _ = try await cluster.client.cancel(sleeper)
            await #expect(throws: ClientError.self) { _ = try await cluster.client.job(999_999) }
            return try await cluster.waitFor("the ends in /metrics", timeout: 20) {
                let text = try await cluster.client.metrics()
                let samples = parse(text)
                let ended = samples.filter { $0.key.hasPrefix("muster_job_ends_total") }.values.reduce(0, +)
                let lagged = (samples["muster_heartbeat_lag_seconds_count"] ?? 0) > 0
                let idle = samples.filter { $0.key.hasPrefix("muster_gpus{") && $0.key.contains(#"state="idle""#) }
                return ended == 5 && lagged && idle.values.reduce(0, +) == 8 ? text : nil
            }
        }

        /// Sample lines of the text format: `name{labels}` → value, the labels sorted by name.
        static func parse(_ text: String) -> [String: Double] {
            var samples: [String: Double] = [:]
            for line in text.split(separator: "\n") where !line.hasPrefix("#") {
                guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...])
                else { continue }
                var key = String(line[..<space])
                if let open = key.firstIndex(of: "{"), key.hasSuffix("}") {
                    let labels = key[key.index(after: open)..<key.index(before: key.endIndex)]
                    key = key[..<open] + "{" + labels.split(separator: ",").sorted().joined(separator: ",") + "}"
                }
                samples[key] = value
            }
            return samples
        }

        /// The single value of an instant query, nil while Prometheus has none.
        static func query(_ url: String) async throws -> Double? {
            let escaped = url.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(["+"])) ?? url
            let (data, _) = try await URLSession.shared.data(from: URL(string: escaped)!)
            guard let body = try JSONSerialization.jsonObject(with: data) as? [String: Any],
                let result = (body["data"] as? [String: Any])?["result"] as? [[String: Any]],
                let value = result.first?["value"] as? [Any], value.count == 2, let text = value[1] as? String
            else { return nil }
            return Double(text)
        }
    }
}
