import MusterAPI
import MusterCore

/// Checks a submit request field by field against its documented range and turns it into the core's values;
/// errors name the wire field. Everything a request can carry is bounded here, once.
enum SubmitValidation {
    /// Most arguments, environment variables, and bytes of a script.
    static let maxArguments = 4096
    static let maxArgumentBytes = 128 << 10
    static let maxVariables = 4096
    static let maxScriptBytes = 1 << 20
    static let maxPathBytes = 4096

    static func spec(
        _ request: SubmitRequest, defaultTimeLimit: Int64, now: Double
    ) throws(ControllerError) -> (JobSpec, JobLaunch, tasksPerNode: Int) {
        if request.command.isEmpty && request.script == nil {
            throw .invalid("command", "give the program to run (muster submit -- CMD ARGS) or a script")
        }
        if let first = request.command.first, request.script == nil, first.isEmpty {
            throw .invalid("command", "the program name is empty")
        }
        guard request.command.count <= maxArguments else {
            throw .invalid("command", "at most \(maxArguments) arguments, got \(request.command.count)")
        }
        for (i, argument) in request.command.enumerated() {
            try text(argument, "command[\(i)]", maxBytes: maxArgumentBytes, allowControl: true)
        }
        if let script = request.script {
            try text(script, "script", maxBytes: maxScriptBytes, allowControl: true)
        }
        try text(request.workdir, "workdir", maxBytes: maxPathBytes, allowControl: false)
        if !request.workdir.hasPrefix("/") {
            throw .invalid("workdir", "must be an absolute directory, got '\(request.workdir)'")
        }
        if let tasks = request.tasksPerNode, tasks < 1 || tasks > Lifecycle.maxTasksPerNode {
            throw .invalid("tasks_per_node", "must be 1 to \(Lifecycle.maxTasksPerNode), got \(tasks)")
        }
        if let name = request.name {
            try text(name, "name", maxBytes: JobSpec.Limits.maxNameLength, allowControl: false)
            if name.isEmpty { throw .invalid("name", "must not be empty") }
        }
        if let team = request.team {
            try text(team, "team", maxBytes: JobSpec.Limits.maxNameLength, allowControl: false)
        }
        if let output = request.output {
            try text(output, "output", maxBytes: maxPathBytes, allowControl: false)
            if output.isEmpty {
                throw .invalid("output", "must not be empty; leave it out for the default logs/<job>/rank-<r>.out")
            }
            if output.split(separator: "/").contains("..") {
                throw .invalid("output", "must not contain '..'; give a path inside the workdir or your home")
            }
        }
        let env = request.env ?? [:]
        guard env.count <= maxVariables else {
            throw .invalid("env", "at most \(maxVariables) variables, got \(env.count)")
        }
        for (key, value) in env {
            guard !key.isEmpty, key.utf8.count <= 1024, !key.contains("="),
                key.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F })
            else {
                throw .invalid("env", "'\(Terminal.safe(key))' is not a valid environment variable name")
            }
            try text(value, "env.\(key)", maxBytes: maxArgumentBytes, allowControl: true)
        }
        let export: ExportMode
        if let raw = request.export {
            guard let mode = ExportMode(rawValue: raw.lowercased()) else {
                throw .invalid("export", "must be 'all' or 'none', got '\(Terminal.safe(raw))'")
            }
            export = mode
        } else {
            export = .all
        }
        var priority = PriorityClass.normal
        if let name = request.priority {
            // Which classes exist is the config's: the lifecycle resolves the name (and refuses an unknown one).
            guard !name.isEmpty, name.count <= 64,
                name.unicodeScalars.allSatisfy({ c in
                    c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "-" || c == "_")
                })
            else {
                throw .invalid(
                    "priority", "a class name is 1 to 64 letters, digits, - or _; muster teams lists the classes")
            }
            priority = PriorityClass(name: name.lowercased(), rank: PriorityClass.named(name)?.rank ?? 0)
        }
        let spec = JobSpec(
            name: request.name ?? defaultName(request),
            gpus: request.gpus, nodes: request.nodes, gpusPerNode: request.gpusPerNode,
            cpusPerNode: request.cpusPerNode ?? 0, memoryMiBPerNode: request.memoryMibPerNode ?? 0,
            timeLimit: request.timeLimit ?? defaultTimeLimit, team: request.team ?? "default", priority: priority,
            submitTime: Int64(now), gpuModel: request.gpuModel)
        do {
            try spec.validate()
        } catch {
            throw .invalid(error.field ?? "request", error.message)
        }
        let launch = JobLaunch(
            command: request.command, script: request.script, workdir: request.workdir, env: env,
            output: request.output, export: export)
        return (spec, launch, request.tasksPerNode ?? 1)
    }

    /// Refuses NUL bytes always, other control characters where `allowControl` is false, and long strings.
    static func text(_ s: String, _ field: String, maxBytes: Int, allowControl: Bool) throws(ControllerError) {
        guard s.utf8.count <= maxBytes else { throw .invalid(field, "must be at most \(maxBytes) bytes") }
        if s.utf8.contains(0) { throw .invalid(field, "must not contain NUL bytes") }
        if !allowControl, s.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw .invalid(field, "must not contain control characters")
        }
    }

    /// The command's base name, or `script` for a script (printable characters only).
    /// The request's dependencies as the core's values; the lifecycle checks the jobs they name.
    static func dependencies(_ request: SubmitRequest) throws(ControllerError) -> [JobDependency] {
        // How many is the lifecycle's check (`Lifecycle.checkDependencies`); here each one's words.
        let wire = request.dependencies ?? []
        var out: [JobDependency] = []
        for (i, dependency) in wire.enumerated() {
            guard let kind = JobDependency.Kind(rawValue: dependency.type) else {
                throw .invalid(
                    "dependencies[\(i)].type",
                    "must be one of \(JobDependency.Kind.allCases.map(\.rawValue).joined(separator: ", ")), got "
                        + "'\(Terminal.safe(String(dependency.type.prefix(64))))'")
            }
            guard dependency.jobID >= 1 else {
                throw .invalid("dependencies[\(i)].job_id", "must be a job id (1 or more), got \(dependency.jobID)")
            }
            out.append(JobDependency(kind, dependency.jobID))
        }
        return out
    }

    /// The request's job array, bounded before it is expanded.
    static func array(_ request: SubmitRequest) throws(ControllerError) -> Lifecycle.ArrayRequest? {
        guard let text = request.array else { return nil }
        guard text.utf8.count <= 4096 else { throw .invalid("array", "at most 4096 bytes") }
        do {
            let (indices, cap) = try ArrayText.parse(text)
            return Lifecycle.ArrayRequest(indices: indices, cap: cap)
        } catch {
            throw .invalid("array", Terminal.safe(error.description))
        }
    }

    static func defaultName(_ request: SubmitRequest) -> String {
        if request.script != nil { return "script" }
        guard let first = request.command.first, let base = first.split(separator: "/").last else { return "job" }
        let printable = String(
            String.UnicodeScalarView(base.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }))
        return printable.isEmpty ? "job" : String(printable.prefix(JobSpec.Limits.maxNameLength))
    }
}
