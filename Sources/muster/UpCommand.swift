import ArgumentParser
import Foundation
import Logging
import MusterAgent
import MusterCore
import MusterServer

/// `muster up`: a whole cluster in one process, the controller plus K local agents.
struct UpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Run a controller and local agents in one process (uses real GPUs when nvidia-smi finds some).")

    @Option(name: .customLong("fake-gpus"), help: "Made-up GPUs per agent (default: real GPUs, else 8).")
    var fakeGPUs: Int?

    @Option(help: "Number of local agents (default: 1 with real GPUs, 2 with fake ones).")
    var agents: Int?

    @OptionGroup var options: ControllerOptions

    func run() async throws {
        let address = try ListenAddress(options.listen)
        let logger = LoggingSetup.logger("muster.up")
        var fake = fakeGPUs
        var realGPUs = 0
        if fake == nil {
            realGPUs = GPUDiscovery.discover(fake: nil).count
            if realGPUs == 0 { fake = 8 }
        }
        let count = agents ?? (fake == nil ? 1 : 2)
        guard count >= 1 else { throw ValidationError("--agents must be 1 or more") }
        if fake == nil && count > 1 {
            throw ValidationError("with real GPUs every agent would offer the same GPUs; use --agents 1 or --fake-gpus")
        }
        let config = try options.controllerConfig()
        let server = try await ServerStartup.open(config: config, logger: logger)
        let names = (1...count).map { String(format: "node%02d", $0) }
        let gpuText = fake.map { "\($0) fake GPUs" } ?? "\(realGPUs) GPUs from nvidia-smi"
        try await LocalCluster.run(
            server: server, address: address, agentNames: names, fakeGPUs: fake, logger: logger, handleSignals: true
        ) { url in
            print(
                """
                muster up: controller on \(url), data in \(config.dataDir) (admin token in \(server.tokenPath))
                \(count) agent(s) with \(gpuText) each: \(names.joined(separator: " "))
                From another shell:
                  export MUSTER_URL=\(url)
                  muster submit -- echo hi
                  muster queue
                  muster logs 1
                Stop with Ctrl-C.
                """)
            fflush(nil)
        }
    }
}
