import Foundation
import MusterAPI
import MusterClient

extension SlurmCommands {
    /// `srun [options] CMD ARGS` inside a batch job: launches a step over the job's allocation (all nodes and
    /// tasks by default), forwards its tasks' output to stdout as it comes, and exits with the step's status (the
    /// highest task exit code, as Slurm's srun). It finds the controller in `$MUSTER_URL` and authenticates with
    /// the job's `$MUSTER_STEP_TOKEN` (set by Muster in every batch job); `--jobid` with a user's token launches a
    /// step in one of that user's running jobs from outside.
    static func srun(_ arguments: [String]) async throws -> Int32 {
        let valued: Set<String> = [
            "--nodes", "-N", "--ntasks", "-n", "--ntasks-per-node", "--nodelist", "-w", "--gpus-per-task",
            "--cpus-per-task", "-c", "--jobid",
        ]
        let (options, command) = try options(arguments, valued: valued, flags: ["--label", "-l"], tool: "srun")
        guard !command.isEmpty else { throw Refusal("give the program to run: srun [options] CMD ARGS") }
        let environment = ProcessInfo.processInfo.environment
        var request = StepLaunchRequest(
            command: command, workdir: FileManager.default.currentDirectoryPath, env: environment)
        var jobText = environment["SLURM_JOB_ID"]
        var label = false
        func count(_ option: String, _ value: String?) throws(Refusal) -> Int {
            guard let value, let n = Int(value), n >= 1 else {
                throw Refusal("\(option) \(value ?? ""): give a whole number, 1 or more")
            }
            return n
        }
        for (option, value) in options {
            switch option {
            case "--nodes", "-N":
                // Slurm allows min-max; Muster takes the minimum, as sbatch does.
                request.nodes = try count(option, value?.split(separator: "-").first.map(String.init))
            case "--ntasks", "-n": request.tasks = try count(option, value)
            case "--ntasks-per-node": request.tasksPerNode = try count(option, value)
            case "--nodelist", "-w":
                guard let list = value.flatMap({ Hostlist.expand($0) }), !list.isEmpty else {
                    throw Refusal("\(option) \(value ?? ""): not a host list (node1,node2 or gpu[01-04])")
                }
                request.nodelist = list
            case "--gpus-per-task": request.gpusPerTask = try count(option, value)
            case "--cpus-per-task", "-c": request.cpusPerTask = try count(option, value)
            case "--jobid": jobText = value
            case "--label", "-l": label = true
            default: break
            }
        }
        guard let jobText, let job = Int64(jobText), job > 0 else {
            throw Refusal("run srun inside a batch job (sbatch), or name a running job of yours with --jobid")
        }
        var client = try ClientOptions.parse([])
        if let token = environment["MUSTER_STEP_TOKEN"], !token.isEmpty { client.token = token }
        return try await client.withClient { client in
            let step = try await client.launchStep(job, request)
            return try await follow(step, client: client, label: label)
        }
    }

    /// Forwards the step's output until every task has exited and its output is read; returns srun's status.
    static func follow(_ launched: StepInfo, client: MusterClient, label: Bool) async throws -> Int32 {
        var offsets = [Int64](repeating: 0, count: launched.tasks.count)
        var pending = [String](repeating: "", count: launched.tasks.count)
        let out = FileHandle.standardOutput
        func drain() async throws -> Bool {
            var any = false
            for task in 0..<launched.tasks.count {
                while true {
                    let chunk = try await client.stepLogs(
                        launched.jobID, step: launched.id, task: task, offset: offsets[task])
                    guard chunk.nextOffset > offsets[task] else { break }
                    offsets[task] = chunk.nextOffset
                    any = true
                    guard label else {
                        out.write(Data(chunk.data.utf8))
                        continue
                    }
                    // With --label, whole lines only, each after its task number.
                    pending[task] += chunk.data
                    while let newline = pending[task].firstIndex(of: "\n") {
                        out.write(Data("\(task): \(pending[task][...newline])".utf8))
                        pending[task] = String(pending[task][pending[task].index(after: newline)...])
                    }
                }
            }
            return any
        }
        var delay = 50
        while true {
            let step = try await client.step(launched.jobID, launched.id)
            let wrote = try await drain()
            if let code = step.exitCode {
                // Agents upload a task's output before its exit: what is there now is all of it.
                _ = try await drain()
                for (task, rest) in pending.enumerated() where label && !rest.isEmpty {
                    out.write(Data("\(task): \(rest)\n".utf8))
                }
                for (i, task) in step.tasks.enumerated() where (task.exitCode ?? 0) != 0 {
                    let exit = task.exitCode ?? 0
                    let what = exit == -1 ? "lost (its node failed or it vanished)" : "exited with exit code \(exit)"
                    printError("srun: error: \(task.node): task \(i): \(what)")
                }
                return code < 0 ? 1 : min(code, 255)
            }
            delay = wrote ? 50 : min(500, delay * 2)
            try await Task.sleep(for: .milliseconds(delay))
        }
    }
}
