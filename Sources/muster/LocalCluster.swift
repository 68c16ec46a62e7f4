import ArgumentParser
import Foundation
import Logging
import MusterAgent
import MusterServer

/// A controller and in-process agents: `muster up` and `muster bench live`.
enum LocalCluster {
    /// Serves until a signal (or cancellation); `onReady` gets the URL once the agents are starting.
    static func run(
        server: ControllerServer, address: ListenAddress, agentNames: [String], fakeGPUs: Int?, logger: Logger,
        handleSignals: Bool, agentsPerLeaf: Int = 8, onReady: @escaping @Sendable (String) async -> Void
    ) async throws {
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // Finished either way, so a server that cannot start (port in use) does not leave us waiting.
                defer { portSink.finish() }
                try await ServerStartup.serve(server, address: address, handleSignals: handleSignals) { port in
                    portSink.yield(port)
                    portSink.finish()
                }
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else {
                try await group.waitForAll()  // the server's error, if it failed
                return
            }
            let url = "http://\(address.host == "0.0.0.0" ? "127.0.0.1" : address.host):\(port)"
            let joinToken = try String(contentsOfFile: server.joinTokenPath, encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            var agentLogger = logger
            agentLogger.logLevel = max(logger.logLevel, .notice)
            for (i, name) in agentNames.enumerated() {
                let agent = Agent(
                    config: AgentConfig(
                        controllerURL: url, name: name, fakeGPUs: fakeGPUs, leaf: "leaf\(i / agentsPerLeaf)",
                        spine: "spine0", address: "127.0.0.1",
                        stateDir: server.config.dataDir + "/agents/\(name)", joinToken: joinToken),
                    logger: agentLogger)
                group.addTask { await agent.run(stopJobs: true) }
            }
            await onReady(url)
            // The server returns on SIGTERM/SIGINT; then stop the agents (and their jobs).
            _ = try await group.next()
            group.cancelAll()
        }
    }

    /// A cluster of `agents` agents (`node01`...) with `gpus` fake GPUs each, serving on a free local port until
    /// the returned task is cancelled (the benchmarks); its URL and the admin token.
    static func start(server: ControllerServer, agents: Int, gpus: Int, logger: Logger) async throws -> (
        url: String, token: String, task: Task<Void, any Error>
    ) {
        let (urls, sink) = AsyncStream.makeStream(of: String.self)
        let names = (1...max(1, agents)).map { String(format: "node%02d", $0) }
        let task = Task {
            try await run(
                server: server, address: try ListenAddress("127.0.0.1:0"), agentNames: names, fakeGPUs: gpus,
                logger: logger, handleSignals: false
            ) { url in
                sink.yield(url)
                sink.finish()
            }
        }
        var iterator = urls.makeAsyncIterator()
        guard let url = await iterator.next() else {
            task.cancel()
            throw ValidationError("the controller did not start")
        }
        let token = try String(contentsOfFile: server.tokenPath, encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return (url, token, task)
    }
}
