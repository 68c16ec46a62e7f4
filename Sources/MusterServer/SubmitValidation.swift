import MusterAPI
import MusterCore

/// Checks a submit request on its own and turns it into a `JobSpec`; errors name the wire field.
enum SubmitValidation {
    static func spec(
        _ request: SubmitRequest, defaultTimeLimit: Int64, now: Double
    ) throws(ControllerError) -> JobSpec {
        if request.command.isEmpty && request.script == nil {
            throw .invalid("command", "give the program to run (muster submit -- CMD ARGS) or a script")
        }
        if let first = request.command.first, request.script == nil, first.isEmpty {
            throw .invalid("command", "the program name is empty")
        }
        if !request.workdir.hasPrefix("/") {
            throw .invalid("workdir", "must be an absolute directory, got '\(request.workdir)'")
        }
        if let tasks = request.tasksPerNode, tasks < 1 || tasks > 1024 {
            throw .invalid("tasks_per_node", "must be 1 to 1024, got \(tasks)")
        }
        if let name = request.name, name.isEmpty || name.count > 256 {
            throw .invalid("name", "must be 1 to 256 characters")
        }
        if let output = request.output, output.isEmpty {
            throw .invalid("output", "must not be empty; leave it out for the default logs/<job>/rank-<r>.out")
        }
        for key in (request.env ?? [:]).keys where key.isEmpty || key.contains("=") || key.contains("\0") {
            throw .invalid("env", "'\(key)' is not a valid environment variable name")
        }
        var priority = PriorityClass.normal
        if let name = request.priority {
            guard let known = PriorityClass.named(name) else {
                throw .invalid(
                    "priority",
                    "unknown class '\(name)'; use one of "
                        + PriorityClass.builtIn.map(\.name).joined(separator: ", "))
            }
            priority = known
        }
        let spec = JobSpec(
            name: request.name ?? defaultName(request),
            gpus: request.gpus, nodes: request.nodes, gpusPerNode: request.gpusPerNode,
            cpusPerNode: request.cpusPerNode ?? 0, memoryMiBPerNode: request.memoryMibPerNode ?? 0,
            timeLimit: request.timeLimit ?? defaultTimeLimit, team: request.team ?? "default", priority: priority,
            submitTime: Int64(now))
        do {
            try spec.validate()
        } catch {
            throw .invalid(error.field ?? "request", error.message)
        }
        return spec
    }

    /// The command's base name, or `script` for a script.
    static func defaultName(_ request: SubmitRequest) -> String {
        if request.script != nil { return "script" }
        guard let first = request.command.first, let base = first.split(separator: "/").last else { return "job" }
        return String(base)
    }
}
