import ArgumentParser
import Foundation
import MusterAPI
import MusterClient

/// `muster submit`: queue a command (`-- CMD ARGS`) or a batch script with `#MUSTER`/`#SBATCH` lines.
struct SubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit", abstract: "Submit a job: muster submit [options] -- CMD ARGS, or muster submit SCRIPT.",
        discussion: """
            Options given here override the script's #MUSTER / #SBATCH lines. A script runs once, on the first node \
            (srun inside it spreads steps over the others); a command runs once per node (or per task with \
            --tasks-per-node) in the current directory, with the current environment plus \
            MUSTER_JOB_ID, CUDA_VISIBLE_DEVICES, MASTER_ADDR, MASTER_PORT, WORLD_SIZE, RANK, NODE_RANK, LOCAL_RANK, \
            LOCAL_WORLD_SIZE and MUSTER_CHECKPOINT_DIR.
            """)

    @OptionGroup var client: ClientOptions

    @Option(help: "Total GPUs (default: nodes x gpus-per-node, else 0).")
    var gpus: Int?

    @Option(help: "Number of nodes.")
    var nodes: Int?

    @Option(name: .customLong("gpus-per-node"), help: "GPUs on each node.")
    var gpusPerNode: Int?

    @Option(name: .customLong("tasks-per-node"), help: "Processes per node (default 1).")
    var tasksPerNode: Int?

    @Option(name: .customLong("cpus-per-node"), help: "CPU cores per node.")
    var cpusPerNode: Int?

    @Option(help: "Time limit: 90 (minutes), 30s, 90m, 2h, 1:30:00, 2-12:00:00 (default 1h).")
    var time: String?

    @Option(help: "Team (account) that owns the job.")
    var team: String?

    @Option(name: .customLong("gpu-model"), help: "GPU model to run on (muster nodes lists them); default any.")
    var gpuModel: String?

    @Option(help: "Job name.")
    var name: String?

    @Option(
        name: [.customLong("class"), .customLong("priority")],
        help: ArgumentHelp(
            "Priority class: inference | production | research | best-effort (or the config's; low, normal, high, "
                + "critical map onto them). Default research."))
    var priority: String?

    @Option(help: "Output file (%j job id, %t rank, %x name, %N node); default the controller's logs.")
    var output: String?

    @Option(name: .customLong("env"), help: "Extra variable NAME=VALUE (repeatable).")
    var extraEnv: [String] = []

    @Option(
        help:
            "What the job inherits, as sbatch: ALL (this shell's environment, the default), NONE, or VAR,VAR=VALUE,...")
    var export: String?

    @Flag(name: .customLong("no-export"), help: "Same as --export NONE.")
    var noExport = false

    @Option(
        name: [.customLong("dependency"), .customShort("d")],
        help: ArgumentHelp(
            "Wait on other jobs of yours, as sbatch: afterok:12[:13],afterany:14 (types after, afterok, "
                + "afternotok, afterany; all must hold). The job is cancelled if one never can."))
    var dependency: [String] = []

    @Option(
        name: [.customLong("array"), .customShort("a")],
        help: ArgumentHelp(
            "A job array, as sbatch: 0-999%50 (indices; %N caps the tasks running at once). Each task gets "
                + "MUSTER_ARRAY_TASK_ID (and SLURM_ARRAY_TASK_ID); %A and %a in --output."))
    var array: String?

    @Option(help: "Memory per node: MiB, or with a K, M, G or T suffix (as sbatch --mem).")
    var mem: String?

    @Flag(help: "Put the job back in the queue (up to 5 times) when a node under it fails (as sbatch --requeue).")
    var requeue = false

    @Option(name: .customLong("max-restarts"), help: "Requeue up to N times (0-100) after failures not its own.")
    var maxRestarts: Int?

    @Flag(
        name: .customLong("no-requeue"),
        help: "When preempted, end as preempted instead of going back to the queue (as sbatch --no-requeue).")
    var noRequeue = false

    @Flag(help: "Print only the job id (as sbatch --parsable).")
    var parsable = false

    @Option(help: "Start after job(s) ID[,ID...] started (same as -d after:ID).")
    var after: [String] = []

    @Option(help: "Start after job(s) ID[,ID...] completed with exit 0 (same as -d afterok:ID).")
    var afterok: [String] = []

    @Option(help: "Start after job(s) ID[,ID...] failed or were cancelled (same as -d afternotok:ID).")
    var afternotok: [String] = []

    @Option(help: "Start after job(s) ID[,ID...] ended, however (same as -d afterany:ID).")
    var afterany: [String] = []

    @Argument(help: "A batch script (when no -- CMD is given).")
    var script: String?

    @Argument(parsing: .postTerminator, help: "The command and its arguments, after --.")
    var command: [String] = []

    func run() async throws {
        let request = try makeRequest()
        // One key for this submit: a retry after a lost answer gets the same job back, not a second one.
        let key = UUID().uuidString
        let answer = try await client.withClient { client in
            var attempt = 0
            while true {
                do {
                    return try await client.submitAnswer(request, idempotencyKey: key)
                } catch let error as ClientError {
                    guard case .unreachable = error, attempt < 3 else { throw error }
                    attempt += 1
                    try await Task.sleep(for: .milliseconds(200 << attempt))
                }
            }
        }
        if client.json {
            try printJSON(answer)
        } else if parsable {
            print(answer.id)
        } else if let count = answer.count {
            print(
                "submitted array job \(answer.id): \(count) task(s), jobs \(answer.id)-\(answer.id + Int64(count) - 1)")
        } else {
            print("submitted job \(answer.id)")
        }
    }

    func makeRequest() throws -> SubmitRequest {
        var directives = BatchScript()
        var scriptText: String?
        var argv = command
        if let script {
            guard let text = try? String(contentsOfFile: script, encoding: .utf8) else {
                throw ValidationError("cannot read the script \(script)")
            }
            do {
                directives = try BatchScript.parse(text)
            } catch {
                throw ValidationError("\(script): \(error)")
            }
            for warning in directives.warnings { printError("muster: warning: \(script) \(warning)") }
            scriptText = text
        } else if argv.isEmpty {
            throw ValidationError("give a command after -- (muster submit -- echo hi) or a script file")
        }
        if scriptText != nil { argv = command }
        let nodeCount = nodes ?? directives.nodes
        let perNode = gpusPerNode ?? directives.gpusPerNode
        var total = gpus ?? directives.gpus
        if total == nil, let perNode { total = perNode * (nodeCount ?? 1) }
        var tasks = tasksPerNode ?? directives.tasksPerNode
        if tasks == nil, let all = directives.tasks {
            tasks = max(1, all / max(1, nodeCount ?? 1))
        }
        var limit: Int64?
        if let time {
            do {
                limit = try TimeLimitText.parse(time)
            } catch {
                throw ValidationError("--time: \(error)")
            }
        } else {
            limit = directives.timeLimit
        }
        let shell = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("MUSTER_TOKEN") }
        var env: [String: String] = [:]
        var exportMode = "all"
        let mode = noExport ? "NONE" : (export ?? directives.export ?? "ALL")
        switch mode.uppercased() {
        case "ALL": env = shell
        case "NONE": exportMode = "none"
        default:
            // sbatch: a list of names (taken from this shell) and NAME=VALUE pairs; ALL may lead the list.
            var items = mode.split(separator: ",").map(String.init)
            if items.first?.uppercased() == "ALL" {
                env = shell
                items.removeFirst()
            } else {
                exportMode = "none"
            }
            for item in items {
                let kv = item.split(separator: "=", maxSplits: 1).map(String.init)
                if kv.count == 2 { env[kv[0]] = kv[1] } else if let value = shell[item] { env[item] = value }
            }
        }
        for item in extraEnv {
            let kv = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2 else { throw ValidationError("--env takes NAME=VALUE, got '\(item)'") }
            env[kv[0]] = kv[1]
        }
        let cpus = cpusPerNode ?? directives.cpusPerTask.map { $0 * max(1, tasks ?? 1) }
        var dependencies: [DependencyInfo] = []
        var texts = dependency
        for (type, ids) in [("after", after), ("afterok", afterok), ("afternotok", afternotok), ("afterany", afterany)]
        {
            texts += ids.map { "\(type):" + $0.replacingOccurrences(of: ",", with: ":") }
        }
        for text in texts {
            do {
                dependencies += try DependencyInfo.parse(text)
            } catch {
                throw ValidationError("--dependency: \(error)")
            }
        }
        if texts.isEmpty { dependencies = directives.dependencies ?? [] }
        return SubmitRequest(
            name: name ?? directives.name ?? script.map { ($0 as NSString).lastPathComponent },
            gpus: total ?? 0, nodes: nodeCount, gpusPerNode: perNode, tasksPerNode: tasks, cpusPerNode: cpus,
            memoryMibPerNode: try mem.map { text in
                guard let mib = BatchScript.megabytes(text) else {
                    throw ValidationError("--mem: cannot read '\(text)'")
                }
                return mib
            } ?? directives.memoryMib, timeLimit: limit, team: team ?? directives.team,
            priority: priority ?? directives.priority, command: argv, script: scriptText,
            workdir: FileManager.default.currentDirectoryPath, env: env, output: output ?? directives.output,
            export: exportMode, dependencies: dependencies.isEmpty ? nil : dependencies,
            array: array ?? directives.array,
            maxRestarts: maxRestarts ?? (requeue ? 5 : directives.requeue.map { $0 ? 5 : 0 }),
            noRequeue: noRequeue || directives.requeue == false ? true : nil,
            gpuModel: gpuModel ?? directives.gpuModel)
    }
}
