import ArgumentParser

/// The `muster` command: the CLI for the live cluster, the simulator and the benchmarks.
@main
struct Muster: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "muster",
        abstract: "Muster: a workload manager for AI supercomputers.",
        subcommands: [
            // Live cluster (see MusterServer, MusterAgent).
            UpCommand.self, ControllerCommand.self, AgentCommand.self, SubmitCommand.self, QueueCommand.self,
            ShowCommand.self, WhyCommand.self, CancelCommand.self, LogsCommand.self, NodesCommand.self,
            AdminCommand.self,
            SimCommand.self, BenchCommand.self,
        ]
    )
}
