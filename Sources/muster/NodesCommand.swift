import ArgumentParser
import Foundation
import MusterAPI

/// `muster nodes`: the nodes, their state and free GPUs.
struct NodesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "nodes", abstract: "List nodes and free GPUs.")

    @OptionGroup var client: ClientOptions

    @Option(help: "Only nodes in this state: up, drained, down, returning.")
    var state: String?

    @Option(help: "Only this leaf block's nodes.")
    var leaf: String?

    @Option(help: "At most this many nodes (1 to 100000), paged on the server.")
    var limit: Int?

    @Option(help: "Only nodes named after this one: the previous page's last line says which.")
    var after: String?

    func validate() throws {
        if let state, !["up", "drained", "down", "returning"].contains(state) {
            throw ValidationError("--state must be up, drained, down or returning")
        }
        if let limit, !(1...100_000).contains(limit) { throw ValidationError("--limit must be 1 to 100000") }
    }

    func run() async throws {
        let page = try await client.withClient {
            try await $0.nodePage(state: state, leaf: leaf, after: after, limit: limit)
        }
        let nodes = page.nodes
        if client.json {
            try printJSON(page)
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
        if let next = page.nextAfter { print("more nodes: muster nodes --after \(next) (same filters)") }
        if let counts = page.counts, counts.values.reduce(0, +) > nodes.count {
            let parts = ["up", "drained", "returning", "down"].compactMap { state in
                counts[state].map { "\($0) \(state)" }
            }
            print("cluster: \(counts.values.reduce(0, +)) nodes, " + parts.joined(separator: ", "))
        }
    }
}
