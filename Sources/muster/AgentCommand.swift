import ArgumentParser
import Foundation
import MusterAgent
import MusterServer

/// `muster agent`: the node agent.
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent", abstract: "Run a node agent: register GPUs, start and stop job processes.")

    @Option(help: "Controller URL (default: $MUSTER_URL, else http://127.0.0.1:7420).")
    var controller: String?

    @Option(help: "Node name (default: the host name).")
    var name: String?

    @Option(name: .customLong("fake-gpus"), help: "Offer N made-up GPUs instead of asking nvidia-smi.")
    var fakeGPUs: Int?

    @Option(help: "Topology: leaf=NAME,spine=NAME (the leaf switch and spine group of this node).")
    var topology: String = "leaf=leaf0,spine=spine0"

    @Option(help: "Address other nodes reach this one at (MASTER_ADDR for rank 0); default 127.0.0.1.")
    var address: String = "127.0.0.1"

    @Option(name: .customLong("poll-ms"), help: "Long-poll length in milliseconds.")
    var pollMilliseconds: Int = 20_000

    @Option(
        name: .customLong("join-token-file"),
        help: "File holding the cluster's join token (the controller's data directory has join.token).")
    var joinTokenFile: String?

    @Option(name: .customLong("state-dir"), help: "The agent's own directory (default ./.muster-agent-NAME).")
    var stateDir: String?

    @Option(
        name: .customLong("health-script"),
        help: ArgumentHelp(
            "Health check program (exit 0: healthy; else its first line is the reason); a failing node is "
                + "drained and its jobs stopped."))
    var healthScript: String?

    @Option(name: .customLong("health-interval"), help: "Seconds between health checks.")
    var healthInterval: Double = 30

    @Flag(
        name: .customLong("stop-jobs-on-exit"),
        help: "On SIGTERM/SIGINT stop the jobs too (default: leave them running; a restarted agent stops them).")
    var stopJobsOnExit = false

    /// The join token from `file`, else `$MUSTER_JOIN_TOKEN`; nil when neither is given.
    static func joinToken(file: String?) throws -> String? {
        guard let file else { return ProcessInfo.processInfo.environment["MUSTER_JOIN_TOKEN"] }
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw ValidationError("cannot read the join token file \(file)")
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func run() async throws {
        let (leaf, spine) = try Self.parseTopology(topology)
        let url = controller ?? ProcessInfo.processInfo.environment["MUSTER_URL"] ?? "http://127.0.0.1:7420"
        let nodeName = name ?? ProcessInfo.processInfo.hostName
        let logger = LoggingSetup.logger("muster.agent.\(nodeName)")
        let joinToken = try Self.joinToken(file: joinTokenFile)
        var config = AgentConfig(
            controllerURL: url, name: nodeName, fakeGPUs: fakeGPUs, leaf: leaf, spine: spine, address: address,
            stateDir: stateDir.map(absolutePath), pollMilliseconds: pollMilliseconds, joinToken: joinToken)
        config.healthScript = healthScript.map(absolutePath)
        config.healthInterval = healthInterval
        let agent = Agent(config: config, logger: logger)
        let work = Task { await agent.run(stopJobs: stopJobsOnExit) }
        // SIGTERM/SIGINT: stop cleanly (the loops end, jobs stop only with --stop-jobs-on-exit).
        let signals = Task {
            if await SignalWaiter.wait() {
                logger.info("signal received: agent stopping")
                work.cancel()
            }
        }
        await work.value
        signals.cancel()
    }

    /// `leaf=A,spine=B` (either may be left out).
    static func parseTopology(_ text: String) throws -> (String, String) {
        var leaf = "leaf0"
        var spine = "spine0"
        for part in text.split(separator: ",") {
            let kv = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2, !kv[1].isEmpty else {
                throw ValidationError("--topology takes leaf=NAME,spine=NAME; got '\(text)'")
            }
            switch kv[0] {
            case "leaf": leaf = kv[1]
            case "spine": spine = kv[1]
            default: throw ValidationError("--topology: unknown level '\(kv[0])'; use leaf and spine")
            }
        }
        return (leaf, spine)
    }
}
