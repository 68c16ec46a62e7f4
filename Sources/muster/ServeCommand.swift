import ArgumentParser
import Foundation
import MusterAPI
import MusterClient

/// `muster serve NAME -- CMD`: start a replicated service behind the controller's router.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Start a service: replicated model servers behind /s/NAME/ on the controller.",
        discussion: """
            Each replica runs CMD in the current directory with the current environment plus MUSTER_PORT (where rank \
            0 must listen), MUSTER_SERVICE, MUSTER_REPLICA and the usual job variables. Requests to \
            http://CONTROLLER/s/NAME/PATH go to ready replicas (GET --ready-path answers 2xx), the less loaded of \
            two at random, at most --max-inflight each. Example: muster serve embed --min 1 --max 4 --gpus-per-node \
            1 -- python3 examples/embed_server.py
            """)

    @OptionGroup var client: ClientOptions

    @Argument(help: "Service name: a-z, 0-9 and -, starting with a letter (part of its URL).")
    var name: String

    @OptionGroup var replicaOptions: ReplicaOptions

    @Option(help: "A fixed number of replicas (default 1).")
    var replicas: Int?

    @Option(help: "Autoscale: at least this many replicas (0: scale to zero when idle).")
    var min: Int?

    @Option(help: "Autoscale: at most this many replicas.")
    var max: Int?

    @Option(name: .customLong("target-inflight"), help: "Autoscale: in-flight requests a replica is sized for (4).")
    var targetInflight: Double?

    @Option(name: .customLong("max-inflight"), help: "Requests one replica serves at once (16).")
    var maxInflight: Int?

    @Option(name: .customLong("max-queue"), help: "Requests held when every replica is full, before 503 (256).")
    var maxQueue: Int?

    @Option(name: .customLong("ready-path"), help: "Readiness path (default /readyz).")
    var readyPath: String?

    @Option(name: .customLong("health-path"), help: "Liveness path, checked once ready (default /healthz).")
    var healthPath: String?

    @Option(name: .customLong("startup-deadline"), help: "Seconds a replica has to become ready (600).")
    var startupDeadline: Double?

    func run() async throws {
        let replica = try replicaOptions.request(name: name)
        let request = ServiceRequest(
            name: name, replica: replica, replicas: replicas, minReplicas: min, maxReplicas: max,
            targetInflight: targetInflight, maxInflight: maxInflight, maxQueue: maxQueue, readyPath: readyPath,
            healthPath: healthPath, startupDeadline: startupDeadline)
        let info = try await client.withClient { try await $0.createService(request) }
        if client.json {
            try printJSON(info)
        } else {
            print(
                "service \(info.name): \(info.desired) replica(s) starting; send requests to \(client.resolvedURL)\(info.url)"
            )
        }
    }
}
