import ArgumentParser
import Foundation
import MusterAPI

/// `muster nodes`: the nodes, their state and free GPUs.
struct NodesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "nodes", abstract: "List nodes and free GPUs.")

    @OptionGroup var client: ClientOptions

    func run() async throws {
        let nodes = try await client.withClient { try await $0.nodes() }
        if client.json {
            try printJSON(NodeList(nodes: nodes))
            return
        }
        var table = TextTable(["NAME", "STATE", "GPUS", "FREE", "MODEL", "LEAF", "SPINE", "ADDRESS", "JOBS", "REASON"])
        for node in nodes {
            table.add([
                node.name, node.state, "\(node.gpus)", "\(node.freeGPUs)", node.gpuModel, node.leaf, node.spine,
                node.address, node.runningJobs.map(String.init).joined(separator: ","),
                node.drainReason ?? (node.spare ? "hot spare" : ""),
            ])
        }
        print(table.text)
    }
}
