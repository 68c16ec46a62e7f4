import ArgumentParser
import Foundation
import MusterAPI
import MusterCore

/// `muster show ID`: everything about one job.
struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one job.")

    @OptionGroup var client: ClientOptions

    @Argument(help: "Job id.")
    var id: Int64

    func run() async throws {
        let job = try await client.withClient { try await $0.job(id) }
        if client.json {
            try printJSON(job)
            return
        }
        func time(_ t: Double?) -> String {
            guard let t else { return "-" }
            let formatter = DateFormatter()
            formatter.dateFormat = "yyyy-MM-dd HH:mm:ss.SSS"
            return formatter.string(from: Date(timeIntervalSince1970: t))
        }
        var lines = [
            "job \(job.id): \(job.name)",
            "state       \(job.state)" + (job.exitCode.map { " (exit code \($0))" } ?? ""),
            "team        \(job.team), priority \(job.priority)",
            "resources   \(job.gpus) GPUs = \(job.nodes) node(s) x \(job.gpusPerNode) GPUs, "
                + "\(job.tasksPerNode) task(s) per node, time limit \(TimeLimitText.format(job.timeLimit))",
            "command     " + (job.isScript ? "(script) " : "") + job.command.joined(separator: " "),
            "workdir     \(job.workdir)",
            "submitted   \(time(job.submitTime))",
            "scheduled   \(time(job.scheduledTime))",
            "started     \(time(job.startTime))",
            "ended       \(time(job.endTime))",
        ]
        if let output = job.output { lines.append("output      \(output)") }
        if let wh = job.energyWh {
            lines.append(
                "energy      " + (wh >= 1_000 ? String(format: "%.2f kWh", wh / 1_000) : String(format: "%.2f Wh", wh))
                    + " (modelled: \(Job.energyModelText))")
        }
        if let model = job.gpuModel { lines.append("GPU model   \(model)") }
        if let at = job.lastCheckpoint { lines.append("checkpoint  \(time(at))") }
        for (i, entry) in job.placement.enumerated() {
            let gpus = entry.gpus.isEmpty ? "none" : entry.gpus.map(String.init).joined(separator: ",")
            lines.append("node \(i)      \(entry.node) GPUs \(gpus)")
        }
        if let dependencies = job.dependencies, !dependencies.isEmpty {
            lines.append("depends on  " + dependencies.map { "\($0.type):\($0.jobID)" }.joined(separator: ","))
        }
        if let reason = job.reason { lines.append("reason      \(reason)") }
        for step in job.steps ?? [] {
            let state = step.state + (step.exitCode.map { " (exit code \($0))" } ?? "")
            lines.append(
                "step \(job.id).\(step.id)  \(state), \(step.tasks.count) task(s) on \(Hostlist.compress(step.nodes)): "
                    + step.command.joined(separator: " "))
        }
        print(lines.map(Terminal.safe).joined(separator: "\n"))
    }
}
