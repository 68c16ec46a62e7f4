import Foundation

/// The options a batch script sets with `#MUSTER` or `#SBATCH` lines, so a Slurm user's script runs unchanged.
///
/// Like Slurm, only the directive lines before the first command count. Understood: `--nodes`/`-N`,
/// `--gpus-per-node[=TYPE:N]`, `--gres=gpu[:TYPE]:N`, `--gpus`/`-G` (TYPE: the GPU model), `--ntasks-per-node`, `--ntasks`/`-n`, `--time`/`-t`,
/// `--job-name`/`-J`, `--output`/`-o`, `--account`/`-A`, `--cpus-per-task`/`-c`, `--mem`, `--priority`, `--export`,
/// `--dependency`/`-d`, `--array`/`-a`, `--requeue`/`--no-requeue`. Others are ignored with a warning.
public struct BatchScript: Sendable, Hashable {
    public var nodes: Int?
    public var gpusPerNode: Int?
    public var gpus: Int?
    /// The GPU model of `--gres=gpu:TYPE:N`, `--gpus-per-node=TYPE:N` or `--gpus=TYPE:N`.
    public var gpuModel: String?
    public var tasksPerNode: Int?
    public var tasks: Int?
    /// Seconds.
    public var timeLimit: Int64?
    public var name: String?
    public var output: String?
    public var team: String?
    public var cpusPerTask: Int?
    public var memoryMib: Int?
    public var priority: String?
    /// `--export`: ALL, NONE, or a list of variables.
    public var export: String?
    /// `--dependency`/`-d`.
    public var dependencies: [DependencyInfo]?
    /// `--array`/`-a`, as written (`0-999%50`).
    public var array: String?
    /// `--requeue` (true) or `--no-requeue` (false).
    public var requeue: Bool?
    /// One line per directive that was ignored or not understood.
    public var warnings: [String] = []

    public init() {}

    /// Reads the directives of `text`; a malformed value of a known option is an error naming the line.
    public static func parse(_ text: String) throws(BatchScriptError) -> BatchScript {
        var script = BatchScript()
        for (n, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || (n == 0 && line.hasPrefix("#!")) { continue }
            guard line.hasPrefix("#") else { break }
            let body: Substring
            if line.hasPrefix("#SBATCH") {
                body = line.dropFirst("#SBATCH".count)
            } else if line.hasPrefix("#MUSTER") {
                body = line.dropFirst("#MUSTER".count)
            } else {
                continue
            }
            let words = body.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            var i = 0
            while i < words.count {
                let word = words[i]
                if word.hasPrefix("#") { break }
                var option = word
                var value: String?
                if word.hasPrefix("--"), let eq = word.firstIndex(of: "=") {
                    option = String(word[..<eq])
                    value = String(word[word.index(after: eq)...])
                } else if !word.hasPrefix("--"), word.hasPrefix("-"), word.count > 2 {
                    option = String(word.prefix(2))
                    value = String(word.dropFirst(2))
                }
                let takesValue = Self.valueOptions.contains(option)
                if takesValue && value == nil {
                    i += 1
                    guard i < words.count else { throw .missingValue(line: n + 1, option: option) }
                    value = words[i]
                }
                try script.apply(option, value, line: n + 1)
                i += 1
            }
        }
        return script
    }

    static let valueOptions: Set<String> = [
        "--nodes", "-N", "--gpus-per-node", "--gres", "--gpus", "-G", "--ntasks-per-node", "--ntasks", "-n",
        "--time", "-t", "--job-name", "-J", "--output", "-o", "--account", "-A", "--cpus-per-task", "-c", "--mem",
        "--priority", "--partition", "-p", "--error", "-e", "--qos", "-q", "--mail-type", "--mail-user",
        "--constraint", "-C", "--exclusive", "--mem-per-cpu", "--mem-per-gpu", "--chdir", "-D", "--dependency", "-d",
        "--export", "--array", "-a",
    ]

    private mutating func apply(_ option: String, _ value: String?, line: Int) throws(BatchScriptError) {
        func int(_ v: String?) throws(BatchScriptError) -> Int {
            guard let v, let n = Int(v), n >= 0 else { throw .badValue(line: line, option: option, value: v ?? "") }
            return n
        }
        switch option {
        case "--nodes", "-N":
            // Slurm allows a range min-max; Muster takes the minimum.
            let first = value?.split(separator: "-").first.map(String.init)
            nodes = try int(first)
        case "--gpus-per-node":
            gpusPerNode = try int(value?.split(separator: ":").last.map(String.init))
            if let parts = value?.split(separator: ":"), parts.count == 2 { gpuModel = String(parts[0]) }
        case "--gres":
            for item in (value ?? "").split(separator: ",") {
                let parts = item.split(separator: ":")
                guard parts.first == "gpu" else {
                    warnings.append("line \(line): --gres=\(item) ignored (only gpu is scheduled)")
                    continue
                }
                // gpu, gpu:N, gpu:TYPE (one GPU) or gpu:TYPE:N, as Slurm reads them.
                if parts.count == 2, Int(parts[1]) == nil {
                    gpusPerNode = 1
                    gpuModel = String(parts[1])
                } else {
                    gpusPerNode = parts.count == 1 ? 1 : try int(String(parts.last!))
                    if parts.count == 3 { gpuModel = String(parts[1]) }
                }
            }
        case "--gpus", "-G":
            gpus = try int(value?.split(separator: ":").last.map(String.init))
            if let parts = value?.split(separator: ":"), parts.count == 2 { gpuModel = String(parts[0]) }
        case "--ntasks-per-node":
            tasksPerNode = try int(value)
        case "--ntasks", "-n":
            tasks = try int(value)
        case "--time", "-t":
            do {
                timeLimit = try TimeLimitText.parse(value ?? "")
            } catch {
                throw .badValue(line: line, option: option, value: value ?? "")
            }
        case "--job-name", "-J":
            name = value
        case "--output", "-o":
            output = value
        case "--account", "-A":
            team = value
        case "--cpus-per-task", "-c":
            cpusPerTask = try int(value)
        case "--mem":
            memoryMib = try Self.megabytes(value, line: line, option: option)
        case "--priority", "--qos", "-q":
            priority = value
        case "--export":
            export = value
        case "--requeue":
            requeue = true
        case "--no-requeue":
            requeue = false
        case "--array", "-a":
            do {
                _ = try ArrayText.parse(value ?? "")
            } catch {
                throw .badValue(line: line, option: option, value: value ?? "")
            }
            array = value
        case "--dependency", "-d":
            do {
                dependencies = (dependencies ?? []) + (try DependencyInfo.parse(value ?? ""))
            } catch {
                throw .badValue(line: line, option: option, value: value ?? "")
            }
        default:
            warnings.append(
                "line \(line): \(option)\(value.map { "=\($0)" } ?? "") is not supported by Muster and was ignored")
        }
    }

    /// Slurm memory sizes (`64G`, `512`): MiB, or nil when malformed.
    public static func megabytes(_ value: String) -> Int? {
        try? megabytes(value, line: 0, option: "--mem")
    }

    /// Slurm memory sizes: a number of MiB, or with a K, M, G or T suffix.
    static func megabytes(_ value: String?, line: Int, option: String) throws(BatchScriptError) -> Int {
        guard var v = value?.uppercased(), !v.isEmpty else {
            throw .badValue(line: line, option: option, value: value ?? "")
        }
        var factor = 1.0
        if let unit = v.last, "KMGT".contains(unit) {
            factor = ["K": 1.0 / 1024, "M": 1, "G": 1024, "T": 1024 * 1024][String(unit)]!
            v.removeLast()
        }
        guard let n = Double(v), n >= 0 else { throw .badValue(line: line, option: option, value: value ?? "") }
        return Int((n * factor).rounded(.up))
    }
}

/// A batch script directive that could not be read.
public enum BatchScriptError: Error, Sendable, Equatable, CustomStringConvertible {
    case missingValue(line: Int, option: String)
    case badValue(line: Int, option: String, value: String)

    public var description: String {
        switch self {
        case .missingValue(let line, let option): "script line \(line): \(option) needs a value"
        case .badValue(let line, let option, let value): "script line \(line): '\(value)' is not valid for \(option)"
        }
    }
}
