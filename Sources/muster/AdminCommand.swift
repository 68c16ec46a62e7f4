import ArgumentParser
import MusterAPI

/// `muster admin`: cluster administration (admins only).
struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin", abstract: "Administer the cluster (needs an admin token).",
        subcommands: [AdminTokenCommand.self, AdminReloadCommand.self])
}

/// `muster admin reload`: the controller reads its config file again (as SIGHUP).
struct AdminReloadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reload",
        abstract: "Read the controller's config file again; a bad file is refused with its line and reason.")

    @OptionGroup var client: ClientOptions

    func run() async throws {
        let answer = try await client.withClient { try await $0.reloadConfig() }
        if client.json {
            try printJSON(answer)
        } else {
            print(
                "reloaded \(answer.config): \(answer.teams) teams; classes \(answer.classes.joined(separator: " > "))")
        }
    }
}

/// `muster admin token`: API tokens.
struct AdminTokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Manage API tokens.", subcommands: [AdminTokenCreateCommand.self])
}

/// `muster admin token create --user U [--admin | --join]`: prints a new token, once.
struct AdminTokenCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create a token for a user and print it (it is not shown again).")

    @OptionGroup var client: ClientOptions

    @Option(help: "The user the token acts as (the Unix user its jobs run as on root agents).")
    var user: String

    @Flag(help: "An admin token: sees and changes every job, creates tokens.")
    var admin = false

    @Flag(help: "A join token, for agents registering nodes.")
    var join = false

    func run() async throws {
        guard !(admin && join) else { throw ValidationError("--admin and --join exclude each other") }
        let role = admin ? "admin" : join ? "join" : "user"
        let answer = try await client.withClient { try await $0.createToken(user: user, role: role) }
        if client.json {
            try printJSON(answer)
        } else {
            print(answer.token)
        }
    }
}
