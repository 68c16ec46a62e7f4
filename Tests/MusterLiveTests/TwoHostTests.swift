import Foundation
import MusterAPI
import Testing

/// Runs `program` with `arguments` to completion and returns its status and output.
func runTool(_ program: String, _ arguments: [String]) -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: program)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    do { try process.run() } catch { return (-1, "\(error)") }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// Whether this machine lets the tests build a second "host": a network namespace joined by a veth pair and a
/// private mount namespace (root with `ip` and `unshare`, and a kernel that allows both).
let canMakeSecondHost: Bool = {
    guard geteuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip"),
        FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare")
    else { return false }
    return runTool("/usr/bin/unshare", ["--net", "--mount", "--uts", "/bin/true"]).status == 0
}()

extension EndToEnd {
    /// `muster logs` when the controller and the agent do not share a disk or a network.
    @Suite struct TwoHosts {
        /// The agent keeps its state and the job's output in its own directory; once the agent is gone and that
        /// directory deleted, `muster logs` still prints the whole output: the controller serves what the agent
        /// uploaded, it never reads the agent's files.
        @Test func logsOutliveTheAgentAndItsDirectory() async throws {
            try await withCluster(agents: 1) { cluster in
                let id = try await cluster.client.submit(
                    cluster.request(["/bin/sh", "-c", "for i in $(seq 1 500); do echo line-$i; done; echo done >&2"]))
                let job = try await cluster.waitForJob(id, ["completed", "failed"])
                #expect(job.state == "completed", "\(job.reason ?? "")")
                let agentState = cluster.dir + "/agent-node-a"
                #expect(FileManager.default.fileExists(atPath: agentState))
                cluster.killAgent("node-a")
                try FileManager.default.removeItem(atPath: agentState)
                let (status, output) = try cluster.cli(["logs", "\(id)"], cwd: cluster.dir)
                #expect(status == 0, "\(output)")
                let lines = output.split(separator: "\n")
                #expect(lines.first == "line-1")
                #expect(lines.contains("line-500"))
                #expect(lines.contains("done"))
            }
        }

        /// The agent runs on "host-b": its own network namespace (it reaches the controller over a veth link; its
        /// 127.0.0.1 is not the controller's), its own hostname, and its state directory on a tmpfs that only it
        /// sees. The job's output is written there, yet `muster logs` on the controller's side prints it.
        @Test(.enabled(if: canMakeSecondHost, "needs root, iproute2 and unshare (network and mount namespaces)"))
        func logsWorkWhenTheAgentIsOnAnotherHost() async throws {
            let tag = String(UUID().uuidString.prefix(6).lowercased())
            let namespace = "muster-\(tag)"
            let subnet = Int.random(in: 1...250)
            let controllerIP = "10.77.\(subnet).1"
            let setup = """
                set -e
                ip netns add \(namespace)
                ip link add mh\(tag) type veth peer name mn\(tag)
                ip link set mn\(tag) netns \(namespace)
                ip addr add \(controllerIP)/30 dev mh\(tag)
                ip link set mh\(tag) up
                ip netns exec \(namespace) ip addr add 10.77.\(subnet).2/30 dev mn\(tag)
                ip netns exec \(namespace) ip link set mn\(tag) up
                ip netns exec \(namespace) ip link set lo up
                """
            defer {
                _ = runTool("/bin/sh", ["-c", "ip netns del \(namespace); ip link del mh\(tag)"])
            }
            let made = runTool("/bin/sh", ["-c", setup])
            try #require(made.status == 0, "network namespace setup failed: \(made.output)")

            let cluster = LiveCluster(gpusPerAgent: 4, heartbeatTimeout: 2, host: controllerIP)
            defer { cluster.stop() }
            do {
                try await cluster.startController()
                let hostState = cluster.dir + "/host-b"
                try FileManager.default.createDirectory(atPath: hostState, withIntermediateDirectories: true)
                // ip netns exec, unshare and sh all exec in place: the agent keeps the pid the test holds.
                let wrapper = [
                    "/usr/sbin/ip", "netns", "exec", namespace, "/usr/bin/unshare", "--mount", "--uts",
                    "--propagation", "private", "/bin/sh", "-c",
                    #"mount -t tmpfs -o mode=0700 tmpfs "$0" && hostname host-b && exec "$@""#, hostState,
                ]
                try cluster.startAgent("node-b", wrapper: wrapper, stateDir: hostState)
                try await cluster.waitForNodes(up: 1)

                let id = try await cluster.client.submit(
                    cluster.request([
                        "/bin/sh", "-c",
                        "echo ran on $(hostname); ip -brief addr 2>/dev/null | grep -c 10.77. || true; echo end",
                    ]))
                let job = try await cluster.waitForJob(id, ["completed", "failed"])
                #expect(job.state == "completed", "\(job.reason ?? "")\n\(cluster.logTail("agent-node-b.log"))")
                // On this side the agent's state directory is empty: its files live on host-b's tmpfs.
                #expect(try FileManager.default.contentsOfDirectory(atPath: hostState).isEmpty)
                let (status, output) = try cluster.cli(["logs", "\(id)"], cwd: cluster.dir)
                #expect(status == 0, "\(output)")
                #expect(output.contains("ran on host-b"), "\(output)")
                #expect(output.contains("end"))
            } catch {
                print(cluster.logTail("controller.log"))
                print(cluster.logTail("agent-node-b.log"))
                throw error
            }
        }
    }
}
