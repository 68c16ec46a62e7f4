import ArgumentParser
import Foundation

/// The `muster` command: the CLI for the live cluster, the simulator and the benchmarks.
@main
struct Muster: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "muster",
        abstract: "Muster: a workload manager for AI supercomputers.",
        subcommands: [
            // Live cluster (see MusterServer, MusterAgent).
            UpCommand.self, ControllerCommand.self, AgentCommand.self, RelayCommand.self, SubmitCommand.self,
            QueueCommand.self,
            ShowCommand.self, WhyCommand.self, CancelCommand.self, LogsCommand.self, NodesCommand.self,
            DrainCommand.self, ResumeCommand.self, TeamsCommand.self, UsageCommand.self, HistoryCommand.self,
            AdminCommand.self,
            InstallSlurmCommandsCommand.self,
            ServeCommand.self, ServicesCommand.self, ServiceCommand.self, ScaleCommand.self, RolloutCommand.self,
            StopCommand.self,
            SimCommand.self, PlanCommand.self, BenchCommand.self,
        ]
    )

    /// Invoked through a link named `sbatch`, `squeue`, ... it answers as that Slurm command.
    static func main() async {
        let invoked = (CommandLine.arguments.first.map { ($0 as NSString).lastPathComponent }) ?? "muster"
        if SlurmCommands.tools.contains(invoked) {
            let status = await SlurmCommands.run(invoked, Array(CommandLine.arguments.dropFirst()))
            Foundation.exit(status)
        }
        await Self.main(nil)
    }
}
