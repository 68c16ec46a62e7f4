import ArgumentParser
import MusterAPI

/// `muster drain NODE --reason WHY [--now]`: the node takes no new work (admins).
struct DrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drain",
        abstract: "Drain a node (admins): no new work; its jobs finish, or with --now are stopped (requeued if "
            + "they may be).")

    @OptionGroup var client: ClientOptions

    @Argument(help: "Node name.")
    var node: String

    @Option(help: "Why (shown by muster nodes).")
    var reason: String

    @Flag(help: "Stop the jobs running on it now instead of letting them finish.")
    var now = false

    func run() async throws {
        let info = try await client.withClient { try await $0.drain(node, reason: reason, now: now) }
        if client.json {
            try printJSON(info)
        } else {
            print(Terminal.safe("drained \(info.name): \(info.drainReason ?? reason)"))
        }
    }
}

/// `muster resume NODE`: a drained node takes work again (admins).
struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume", abstract: "Resume a drained node (admins).")

    @OptionGroup var client: ClientOptions

    @Argument(help: "Node name.")
    var node: String

    func run() async throws {
        let info = try await client.withClient { try await $0.resume(node) }
        if client.json {
            try printJSON(info)
        } else {
            print(Terminal.safe("resumed \(info.name) (\(info.state))"))
        }
    }
}
