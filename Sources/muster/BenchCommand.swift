import ArgumentParser

/// `muster bench`: performance figures, never run by the test suite.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure Muster's speed: placement, simulation, the live cluster.",
        subcommands: [
            BenchPlacementCommand.self, BenchSimCommand.self, BenchLiveCommand.self, BenchServeCommand.self,
            BenchSharingCommand.self, BenchPoliciesCommand.self, BenchInferenceCommand.self,
            BenchControlPlaneCommand.self, BenchAccountingCommand.self, BenchFailoverCommand.self,
        ]
    )
}
