import ArgumentParser
import Foundation
import MusterAPI

/// `muster` answering to Slurm's names (`sbatch`, `srun`, `squeue`, `scancel`, `sinfo`, `scontrol`, `sacct`) when invoked through
/// links of those names (`muster install-slurm-commands DIR`), with their common flags and output formats. A flag
/// Muster does not support is an error naming it, never ignored.
enum SlurmCommands {
    static let tools = ["sbatch", "srun", "squeue", "scancel", "sinfo", "scontrol", "sacct"]

    /// Why a Slurm-style command line cannot be run.
    struct Refusal: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// Runs `tool` with `arguments`; returns the exit status.
    static func run(_ tool: String, _ arguments: [String]) async -> Int32 {
        do {
            switch tool {
            case "sbatch": try await sbatch(arguments)
            case "srun": return try await srun(arguments)
            case "scancel":
                try await CancelCommand.parse(try ids(arguments, tool: tool).map(String.init)).run()
            case "squeue": try await squeue(arguments)
            case "sinfo": try await sinfo(arguments)
            case "scontrol": try await scontrol(arguments)
            case "sacct": try await sacct(arguments)
            default: throw Refusal("\(tool) is not one of \(tools.joined(separator: ", "))")
            }
            return 0
        } catch let error as Refusal {
            printError("\(tool): \(error)")
        } catch {
            printError("\(tool): \(Terminal.safe(String(describing: error)))")
        }
        return 1
    }

    /// Splits `--opt=value`, `--opt value`, `-Xvalue` and `-X value` (for options in `valued`); the first
    /// non-option argument ends the options (sbatch's script) and is returned with what follows.
    static func options(_ arguments: [String], valued: Set<String>, flags: Set<String>, tool: String) throws(Refusal)
        -> (options: [(String, String?)], rest: [String])
    {
        var out: [(String, String?)] = []
        var i = 0
        while i < arguments.count {
            let word = arguments[i]
            guard word.hasPrefix("-"), word != "-" else { return (out, Array(arguments[i...])) }
            var option = word
            var value: String?
            if word.hasPrefix("--"), let eq = word.firstIndex(of: "=") {
                option = String(word[..<eq])
                value = String(word[word.index(after: eq)...])
            } else if !word.hasPrefix("--"), word.count > 2 {
                option = String(word.prefix(2))
                value = String(word.dropFirst(2))
            }
            if valued.contains(option) {
                if value == nil {
                    i += 1
                    guard i < arguments.count else { throw Refusal("\(option) needs a value") }
                    value = arguments[i]
                }
            } else if !flags.contains(option) || value != nil {
                throw Refusal(
                    "\(option) is not supported by Muster's \(tool); supported: "
                        + (valued.union(flags)).sorted().joined(separator: " "))
            }
            out.append((option, value))
            i += 1
        }
        return (out, [])
    }

    static func ids(_ arguments: [String], tool: String) throws(Refusal) -> [Int64] {
        let (options, rest) = try options(arguments, valued: [], flags: [], tool: tool)
        _ = options
        guard !rest.isEmpty else { throw Refusal("give the job ids") }
        var out: [Int64] = []
        for word in rest {
            guard let id = Int64(word.split(separator: "_").first ?? ""), id > 0 else {
                throw Refusal("'\(word)' is not a job id")
            }
            out.append(id)
        }
        return out
    }

    // MARK: sbatch

    /// `sbatch [options] SCRIPT [ARGS]` or `sbatch [options] --wrap CMD`: the options become `muster submit`'s
    /// and override the script's `#SBATCH` lines, as in Slurm.
    static func sbatch(_ arguments: [String]) async throws {
        let valued: Set<String> = [
            "--job-name", "-J", "--nodes", "-N", "--gpus-per-node", "--gpus", "-G", "--gres", "--ntasks-per-node",
            "--time", "-t", "--output", "-o", "--account", "-A", "--cpus-per-task", "-c", "--mem", "--export",
            "--dependency", "-d", "--array", "-a", "--priority", "--qos", "-q", "--wrap", "--chdir", "-D",
        ]
        let (options, rest) = try options(
            arguments, valued: valued, flags: ["--parsable", "--requeue", "--no-requeue"], tool: "sbatch")
        var submit: [String] = []
        var cpusPerTask: Int?
        var tasksPerNode = 1
        var wrap: String?
        for (option, value) in options {
            let v = value ?? ""
            switch option {
            case "--job-name", "-J": submit += ["--name", v]
            case "--nodes", "-N": submit += ["--nodes", v]
            case "--gpus-per-node": submit += ["--gpus-per-node", v]
            case "--gpus", "-G": submit += ["--gpus", v]
            case "--gres":
                guard let count = v.split(separator: ":").last.flatMap({ Int($0) }), v.hasPrefix("gpu") else {
                    throw Refusal("--gres=\(v): only gpu[:TYPE]:N is supported")
                }
                submit += ["--gpus-per-node", "\(count)"]
            case "--ntasks-per-node":
                tasksPerNode = Int(v) ?? 1
                submit += ["--tasks-per-node", v]
            case "--time", "-t": submit += ["--time", v]
            case "--output", "-o": submit += ["--output", v]
            case "--account", "-A": submit += ["--team", v]
            case "--cpus-per-task", "-c":
                guard let c = Int(v), c >= 1 else { throw Refusal("\(option) \(v): give a number of CPUs") }
                cpusPerTask = c
            case "--mem": submit += ["--mem", v]
            case "--export": submit += ["--export", v]
            case "--dependency", "-d": submit += ["--dependency", v]
            case "--array", "-a": submit += ["--array", v]
            case "--priority", "--qos", "-q": submit += ["--class", v]
            case "--parsable": submit.append("--parsable")
            case "--requeue": submit.append("--requeue")
            case "--no-requeue": submit += ["--max-restarts", "0", "--no-requeue"]
            case "--wrap": wrap = v
            case "--chdir", "-D":
                guard FileManager.default.changeCurrentDirectoryPath(v) else {
                    throw Refusal("--chdir \(v): no such directory")
                }
            default: break
            }
        }
        if let cpusPerTask { submit += ["--cpus-per-node", "\(cpusPerTask * tasksPerNode)"] }
        if let wrap {
            // As in Slurm, the wrapped command is a batch script of its own: it runs once, on the first node.
            guard rest.isEmpty else { throw Refusal("give either --wrap or a script, not both") }
            let path = NSTemporaryDirectory() + "muster-wrap-\(UUID().uuidString).sh"
            do {
                try "#!/bin/sh\n\(wrap)\n".write(toFile: path, atomically: true, encoding: .utf8)
            } catch {
                throw Refusal("--wrap: cannot write its script to \(path): \(error)")
            }
            defer { try? FileManager.default.removeItem(atPath: path) }
            if !options.contains(where: { $0.0 == "--job-name" || $0.0 == "-J" }) { submit += ["--name", "wrap"] }
            submit += [path, "--"]
            let command = try SubmitCommand.parse(submit)
            try await command.run()
            return
        } else {
            guard let script = rest.first else { throw Refusal("give a batch script, or --wrap \"command\"") }
            submit += [script, "--"] + rest.dropFirst()
        }
        let command = try SubmitCommand.parse(submit)
        try await command.run()
    }

    // MARK: squeue, sinfo

    /// `squeue [-u USER] [-j IDS] [-t STATES] [-h]`: Slurm's default columns.
    static func squeue(_ arguments: [String]) async throws {
        let (options, rest) = try options(
            arguments, valued: ["--user", "-u", "--jobs", "-j", "--states", "-t"], flags: ["--noheader", "-h"],
            tool: "squeue")
        guard rest.isEmpty else { throw Refusal("unexpected '\(rest[0])'") }
        var user: String?
        var ids: Set<Int64>?
        var states: [String] = ["pending", "running"]
        var header = true
        let codes = ["PD": "pending", "R": "running", "CD": "completed", "F": "failed", "CA": "cancelled"]
        for (option, value) in options {
            switch option {
            case "--user", "-u": user = value
            case "--jobs", "-j": ids = Set((value ?? "").split(separator: ",").compactMap { Int64($0) })
            case "--states", "-t":
                states = try (value ?? "").split(separator: ",").map { word throws(Refusal) in
                    let upper = word.uppercased()
                    if let state = codes[upper] { return state }
                    if codes.values.contains(word.lowercased()) { return word.lowercased() }
                    throw Refusal("--states \(word): one of \(codes.keys.sorted().joined(separator: ","))")
                }
            case "--noheader", "-h": header = false
            default: break
            }
        }
        let jobs = try await ClientOptions.parse([]).withClient { try await $0.jobs(states: states) }
        var table = TextTable(["JOBID", "PARTITION", "NAME", "USER", "ST", "TIME", "NODES", "NODELIST(REASON)"])
        let now = Date().timeIntervalSince1970
        let code = Dictionary(uniqueKeysWithValues: codes.map { ($1, $0) })
        for job in jobs {
            if let user, job.owner != user { continue }
            if let ids, !ids.contains(job.id) { continue }
            let elapsed = (job.startTime ?? job.scheduledTime).map { max(0, (job.endTime ?? now) - $0) } ?? 0
            let where_ =
                job.placement.isEmpty
                ? "(\(job.reason ?? "Resources"))" : Hostlist.compress(job.placement.map(\.node))
            let id = job.arrayJobID.map { "\($0)_\(job.arrayTaskID ?? 0)" } ?? "\(job.id)"
            table.add([
                id, job.team, job.name, job.owner, code[job.state] ?? job.state, QueueCommand.duration(elapsed),
                "\(job.nodes)", where_,
            ])
        }
        print(table.render(header: header), terminator: "")
    }

    /// `sinfo`: nodes grouped by state, Slurm's columns.
    static func sinfo(_ arguments: [String]) async throws {
        let (options, rest) = try options(arguments, valued: [], flags: ["--noheader", "-h"], tool: "sinfo")
        guard rest.isEmpty else { throw Refusal("unexpected '\(rest[0])'") }
        let nodes = try await ClientOptions.parse([]).withClient { try await $0.nodes() }
        var groups: [(String, [String])] = []
        for node in nodes {
            let state: String
            switch node.state {
            case "up": state = node.freeGPUs == node.gpus ? "idle" : node.freeGPUs == 0 ? "alloc" : "mix"
            case "returning": state = "drain"
            default: state = "down"
            }
            if let i = groups.firstIndex(where: { $0.0 == state }) {
                groups[i].1.append(node.name)
            } else {
                groups.append((state, [node.name]))
            }
        }
        var table = TextTable(["PARTITION", "AVAIL", "TIMELIMIT", "NODES", "STATE", "NODELIST"])
        for (state, names) in groups {
            table.add(["all*", "up", "infinite", "\(names.count)", state, Hostlist.compress(names)])
        }
        print(table.render(header: !options.contains { $0.0 == "-h" || $0.0 == "--noheader" }), terminator: "")
    }

    /// `sacct [-j IDS] [-u USER] [-n]`: every job with its state and exit code, Slurm's default columns.
    static func sacct(_ arguments: [String]) async throws {
        let (options, rest) = try options(
            arguments, valued: ["--jobs", "-j", "--user", "-u"], flags: ["--noheader", "-n", "-X", "--allocations"],
            tool: "sacct")
        guard rest.isEmpty else { throw Refusal("unexpected '\(rest[0])'") }
        var ids: Set<Int64>?
        var user: String?
        var header = true
        for (option, value) in options {
            switch option {
            case "--jobs", "-j": ids = Set((value ?? "").split(separator: ",").compactMap { Int64($0) })
            case "--user", "-u": user = value
            case "--noheader", "-n": header = false
            default: break
            }
        }
        let jobs = try await ClientOptions.parse([]).withClient { try await $0.jobs() }
        let states = [
            "pending": "PENDING", "running": "RUNNING", "completed": "COMPLETED", "failed": "FAILED",
            "cancelled": "CANCELLED", "preempted": "PREEMPTED",
        ]
        var table = TextTable(["JobID", "JobName", "Account", "AllocGPUS", "State", "ExitCode"])
        for job in jobs {
            if let ids, !ids.contains(job.id) { continue }
            if let user, job.owner != user { continue }
            // Slurm's ExitCode is code:signal; a rank killed by a signal exits 128 + signal here.
            // A running job cancelled was stopped with SIGTERM, as scancel does.
            let stopped = job.state == "cancelled" && job.startTime != nil
            let code = job.exitCode.map { $0 > 128 ? "0:\($0 - 128)" : "\(max(0, $0)):0" } ?? (stopped ? "0:15" : "0:0")
            let id = job.arrayJobID.map { "\($0)_\(job.arrayTaskID ?? 0)" } ?? "\(job.id)"
            table.add([id, job.name, job.team, "\(job.gpus)", states[job.state] ?? job.state, code])
        }
        print(table.render(header: header), terminator: "")
    }

    // MARK: scontrol

    /// `scontrol show hostnames [LIST]` (LIST defaults to `$SLURM_JOB_NODELIST`: works inside a job without a
    /// controller) and `scontrol show job ID`.
    static func scontrol(_ arguments: [String]) async throws {
        guard arguments.first == "show", arguments.count >= 2 else {
            throw Refusal("only 'scontrol show hostnames [LIST]' and 'scontrol show job ID' are supported")
        }
        switch arguments[1] {
        case "hostnames", "hostname":
            guard
                let list = arguments.count > 2
                    ? arguments[2] : ProcessInfo.processInfo.environment["SLURM_JOB_NODELIST"]
            else { throw Refusal("show hostnames: give a host list, or run it inside a job ($SLURM_JOB_NODELIST)") }
            guard let names = Hostlist.expand(list) else { throw Refusal("'\(list)' is not a host list") }
            for name in names { print(name) }
        case "job":
            guard arguments.count == 3, let id = Int64(arguments[2]) else { throw Refusal("show job: give one job id") }
            try await ShowCommand.parse(["\(id)"]).run()
        default:
            throw Refusal("show \(arguments[1]): only hostnames and job are supported")
        }
    }
}

/// `muster install-slurm-commands DIR`: links named sbatch, srun, squeue, scancel, sinfo, scontrol and sacct to
/// this program.
struct InstallSlurmCommandsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install-slurm-commands",
        abstract: "Make links sbatch, srun, squeue, scancel, sinfo, scontrol, sacct to muster in DIR (put DIR on PATH)."
    )

    @Argument(help: "Directory for the links (created if needed).")
    var directory: String

    func run() throws {
        let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for tool in SlurmCommands.tools {
            let path = directory + "/" + tool
            try? FileManager.default.removeItem(atPath: path)
            try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: executable)
            print("\(path) -> \(executable)")
        }
    }
}
