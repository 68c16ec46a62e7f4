import MusterAPI
import MusterCore

/// Checks an srun request field by field against its documented range and turns it into the core's
/// `StepRequest`; errors name the wire field. How the tasks fit the allocation is the core's check
/// (`StepRequest.layout`).
enum StepValidation {
    /// Most bytes of srun's whole environment.
    static let maxEnvironmentBytes = 2 << 20

    static func request(_ request: StepLaunchRequest) throws(ControllerError) -> StepRequest {
        guard let first = request.command.first, !first.isEmpty else {
            throw .invalid("command", "give the program to run (srun CMD ARGS)")
        }
        guard request.command.count <= SubmitValidation.maxArguments else {
            throw .invalid(
                "command", "at most \(SubmitValidation.maxArguments) arguments, got \(request.command.count)")
        }
        for (i, argument) in request.command.enumerated() {
            try SubmitValidation.text(
                argument, "command[\(i)]", maxBytes: SubmitValidation.maxArgumentBytes, allowControl: true)
        }
        try SubmitValidation.text(
            request.workdir, "workdir", maxBytes: SubmitValidation.maxPathBytes, allowControl: false)
        if !request.workdir.hasPrefix("/") {
            throw .invalid("workdir", "must be an absolute directory, got '\(Terminal.safe(request.workdir))'")
        }
        guard request.env.count <= SubmitValidation.maxVariables else {
            throw .invalid("env", "at most \(SubmitValidation.maxVariables) variables, got \(request.env.count)")
        }
        var bytes = 0
        for (key, value) in request.env {
            guard !key.isEmpty, key.utf8.count <= 1024, !key.contains("="),
                key.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F })
            else {
                throw .invalid("env", "'\(Terminal.safe(key))' is not a valid environment variable name")
            }
            try SubmitValidation.text(
                value, "env.\(key)", maxBytes: SubmitValidation.maxArgumentBytes, allowControl: true)
            bytes += key.utf8.count + value.utf8.count
        }
        guard bytes <= maxEnvironmentBytes else {
            throw .invalid("env", "at most \(maxEnvironmentBytes >> 20) MiB in all, got \(bytes) bytes")
        }
        if let nodes = request.nodes, nodes < 1 || nodes > JobSpec.Limits.maxNodes {
            throw .invalid("nodes", "must be 1 to \(JobSpec.Limits.maxNodes), got \(nodes)")
        }
        let maxTasks = JobSpec.Limits.maxNodes * Lifecycle.maxTasksPerNode
        if let tasks = request.tasks, tasks < 1 || tasks > maxTasks {
            throw .invalid("tasks", "must be 1 to \(maxTasks), got \(tasks)")
        }
        if let perNode = request.tasksPerNode, perNode < 1 || perNode > Lifecycle.maxTasksPerNode {
            throw .invalid("tasks_per_node", "must be 1 to \(Lifecycle.maxTasksPerNode), got \(perNode)")
        }
        if let list = request.nodelist {
            guard !list.isEmpty, list.count <= JobSpec.Limits.maxNodes else {
                throw .invalid("nodelist", "name 1 to \(JobSpec.Limits.maxNodes) nodes, got \(list.count)")
            }
            for (i, name) in list.enumerated() {
                try SubmitValidation.text(name, "nodelist[\(i)]", maxBytes: 64, allowControl: false)
            }
        }
        if let gpus = request.gpusPerTask, gpus < 1 || gpus > JobSpec.Limits.maxGPUsPerNode {
            throw .invalid("gpus_per_task", "must be 1 to \(JobSpec.Limits.maxGPUsPerNode), got \(gpus)")
        }
        if let cpus = request.cpusPerTask, cpus < 1 || cpus > 4096 {
            throw .invalid("cpus_per_task", "must be 1 to 4096, got \(cpus)")
        }
        return StepRequest(
            command: request.command, workdir: request.workdir, env: request.env, nodes: request.nodes,
            tasks: request.tasks, tasksPerNode: request.tasksPerNode, nodelist: request.nodelist,
            gpusPerTask: request.gpusPerTask, cpusPerTask: request.cpusPerTask)
    }
}
