/// The sharing config file: a small TOML subset read by `muster controller|up --config` and `muster sim --config`.
///
/// ```toml
/// [scheduler]
/// lending = true              # idle guarantees are lent (false: each team is a hard partition)
/// preemption = true           # reclaim lent guarantees and let higher classes preempt
/// checkpoint_interval = 1800  # simulator: seconds between checkpoints (work since the last is lost)
/// restart_overhead = 120      # simulator: seconds a restarted job spends before it progresses
///
/// [priority]                  # multifactor priority (see PriorityWeights)
/// class_weight = 100000
/// fair_share_weight = 10000
/// age_weight = 1000
/// size_weight = 100
/// max_age = 604800            # seconds
/// half_life = 604800          # seconds
///
/// [class.inference]           # any [class.*] table replaces the default classes
/// rank = 300
/// may_preempt = true
/// preemptible = false
/// min_runtime = 0             # seconds before a job of it can be preempted
/// grace = 30                  # seconds between SIGTERM and SIGKILL when preempted
/// aliases = ["critical"]
///
/// [team.vision]               # an org: its guarantee is the sum of its teams'
/// borrow_limit = 64
/// [team.vision/detection]     # a team: org/team, any depth
/// guarantee = 128
/// borrow_limit = 64           # GPUs beyond the guarantee (absent: no limit)
/// lend_limit = 128            # GPUs of its idle guarantee it lends (absent: all)
/// headroom = 16               # GPUs held for its services: only preemptible work may use them meanwhile
/// guarantee.h100 = 64         # and 64 GPUs of the model named so (for its jobs that ask for it; any case,
///                             # or a part of one model's name; a ledger per model, lending within the model)
///
/// [power]                     # budgets a start must keep (modelled IT draw: idle parts plus busy GPUs at peak)
/// budget_mw = 150             # the whole cluster (or budget_kw)
/// leaf_budget_kw = 400        # every block of a level (leaf, spine: the topology's level names)
/// node_other_w = 4600         # a node's CPUs, memory, NICs, fans (default: a DGX H100's)
///
/// [spares]                    # hot spares: idle nodes a failed gang restarts on, in its own leaf blocks
/// share = 0.0625              # of each leaf block's nodes (0 to 0.5; 1/16 of 32-node leaves: 2 each)
/// lend_limit = 3600           # one-node jobs with a time limit up to this (s) may use idle spares (0: none)
/// ```
/// Comments start with `#`. A file that breaks a rule is refused with its line and the reason.
public enum SharingConfigFile {
    /// Most classes and teams a file may define.
    public static let maxClasses = 64
    public static let maxTeams = 10_000

    /// Parses `text` into a policy, or says which line is wrong and why.
    public static func parse(_ text: String) throws(ConfigFileError) -> SharingPolicy {
        var policy = SharingPolicy()
        var classes: [ClassPolicy] = []
        var classLine: [String: Int] = [:]
        var teams: [String: (TeamPolicy, Int)] = [:]
        var section = ""
        var seen: Set<String> = []
        var lineNumber = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = stripComment(raw).trimmingSpaces
            guard !line.isEmpty else { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]"), line.count > 2 else {
                    throw ConfigFileError(line: lineNumber, "a table header is [name]")
                }
                section = String(line.dropFirst().dropLast()).trimmingSpaces
                guard seen.insert(section).inserted else {
                    throw ConfigFileError(line: lineNumber, "table [\(section)] appears twice")
                }
                if section.hasPrefix("class.") {
                    let name = String(section.dropFirst(6))
                    guard validName(name, allowSlash: false) else {
                        throw ConfigFileError(
                            line: lineNumber, "a class name is 1 to 64 of a-z, 0-9, - and _, got \"\(name)\"")
                    }
                    guard classes.count < maxClasses else {
                        throw ConfigFileError(line: lineNumber, "at most \(maxClasses) classes")
                    }
                    classes.append(ClassPolicy(name: name, rank: 0))
                    classLine[name] = lineNumber
                } else if section.hasPrefix("team.") {
                    let name = String(section.dropFirst(5))
                    guard validName(name, allowSlash: true) else {
                        throw ConfigFileError(
                            line: lineNumber,
                            "a team is a path of names (a-z, A-Z, 0-9, -, _, .) joined by /, up to 128 characters; "
                                + "got \"\(name)\"")
                    }
                    guard teams.count < maxTeams else {
                        throw ConfigFileError(line: lineNumber, "at most \(maxTeams) teams")
                    }
                    teams[name] = (TeamPolicy(name: name), lineNumber)
                } else if section == "power" {
                    policy.power = policy.power ?? PowerBudget()
                } else if section == "spares" {
                    policy.spares = policy.spares ?? SparePolicy(share: 0)
                } else if section != "scheduler" && section != "priority" {
                    throw ConfigFileError(
                        line: lineNumber,
                        "unknown table [\(section)]; the tables are [scheduler], [priority], [power], [spares], [class.NAME], "
                            + "[team.PATH]")
                }
                continue
            }
            guard let eq = line.firstIndex(of: "=") else {
                throw ConfigFileError(line: lineNumber, "expected key = value")
            }
            let key = String(line[..<eq]).trimmingSpaces
            let value = try Value(String(line[line.index(after: eq)...]).trimmingSpaces, line: lineNumber)
            func number(_ range: ClosedRange<Double>) throws(ConfigFileError) -> Double {
                guard case .number(let n) = value, range.contains(n) else {
                    throw ConfigFileError(
                        line: lineNumber,
                        "\(key) must be a number from \(format(range.lowerBound)) to "
                            + "\(format(range.upperBound))")
                }
                return n
            }
            func integer(_ range: ClosedRange<Int>) throws(ConfigFileError) -> Int {
                guard case .number(let n) = value, n == n.rounded(), n >= Double(range.lowerBound),
                    n <= Double(range.upperBound)
                else {
                    throw ConfigFileError(
                        line: lineNumber,
                        "\(key) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
                }
                return Int(n)
            }
            func bool() throws(ConfigFileError) -> Bool {
                guard case .bool(let b) = value else {
                    throw ConfigFileError(line: lineNumber, "\(key) must be true or false")
                }
                return b
            }
            func unknown() -> ConfigFileError {
                ConfigFileError(line: lineNumber, "unknown key \(key) in [\(section)]")
            }
            let gpus = 0...JobSpec.Limits.maxGPUs
            switch section {
            case "":
                throw ConfigFileError(line: lineNumber, "\(key) is outside any table")
            case "scheduler":
                switch key {
                case "lending": policy.lending = try bool()
                case "preemption": policy.preemption = try bool()
                case "checkpoint_interval": policy.checkpointInterval = try number(1...ClassPolicy.maxSeconds * 30)
                case "restart_overhead": policy.restartOverhead = try number(0...ClassPolicy.maxSeconds)
                default: throw unknown()
                }
            case "power":
                // budget_mw / budget_kw: the whole cluster; LEVEL_budget_kw: every block of that level.
                let kilowatts = 0.001...1e9
                switch key {
                case "budget_mw": policy.power!.budgets["cluster"] = try number(0.000001...1e6) * 1e6
                case "budget_kw": policy.power!.budgets["cluster"] = try number(kilowatts) * 1_000
                case "node_other_w": policy.power!.nodeOtherWatts = try number(0...1e6)
                case let k where k.hasSuffix("_budget_kw") && k.count > "_budget_kw".count:
                    policy.power!.budgets[String(k.dropLast("_budget_kw".count))] = try number(kilowatts) * 1_000
                default: throw unknown()
                }
            case "spares":
                switch key {
                case "share": policy.spares!.share = try number(SparePolicy.shares)
                case "lend_limit": policy.spares!.lendLimit = Seconds(try number(0...ClassPolicy.maxSeconds))
                default: throw unknown()
                }
            case "priority":
                let weights = 0...PriorityWeights.maxWeight
                switch key {
                case "class_weight": policy.weights.classWeight = try number(weights)
                case "fair_share_weight": policy.weights.fairShare = try number(weights)
                case "age_weight": policy.weights.age = try number(weights)
                case "size_weight": policy.weights.size = try number(weights)
                case "max_age": policy.weights.maxAge = try number(1...ClassPolicy.maxSeconds * 3_650)
                case "half_life": policy.weights.halfLife = try number(1...ClassPolicy.maxSeconds * 3_650)
                default: throw unknown()
                }
            default:
                if section.hasPrefix("class.") {
                    var c = classes.removeLast()
                    switch key {
                    case "rank": c.rank = try integer(-1_000_000...1_000_000)
                    case "may_preempt": c.mayPreempt = try bool()
                    case "preemptible": c.preemptible = try bool()
                    case "min_runtime": c.minRuntime = try number(0...ClassPolicy.maxSeconds)
                    case "grace": c.grace = try number(0...ClassPolicy.maxSeconds)
                    case "aliases":
                        guard case .strings(let names) = value,
                            names.allSatisfy({ validName($0, allowSlash: false) })
                        else {
                            throw ConfigFileError(
                                line: lineNumber, "aliases must be a list of names, as [\"high\", \"urgent\"]")
                        }
                        c.aliases = names
                    default: throw unknown()
                    }
                    classes.append(c)
                } else {
                    let name = String(section.dropFirst(5))
                    var (team, at) = teams[name]!
                    switch key {
                    case "guarantee": team.guarantee = try integer(gpus)
                    case "borrow_limit": team.borrowLimit = try integer(gpus)
                    case "lend_limit": team.lendLimit = try integer(gpus)
                    case "headroom": team.headroom = try integer(gpus)
                    case let k where k.hasPrefix("guarantee.") && k.count > "guarantee.".count:
                        // guarantee.MODEL, the model as a job names it; quoted for names with spaces.
                        var model = String(k.dropFirst("guarantee.".count))
                        if model.count >= 2, model.hasPrefix("\""), model.hasSuffix("\"") {
                            model = String(model.dropFirst().dropLast())
                        }
                        guard !model.isEmpty, model.count <= JobSpec.Limits.maxNameLength else { throw unknown() }
                        team.modelGuarantees[model] = try integer(gpus)
                    default: throw unknown()
                    }
                    teams[name] = (team, at)
                    _ = at
                }
            }
        }
        if !classes.isEmpty {
            var names: [String: Int] = [:]
            var ranks: [Int: String] = [:]
            for c in classes {
                let line = classLine[c.name] ?? 0
                if let other = ranks[c.rank] {
                    throw ConfigFileError(line: line, "class \(c.name) has the same rank (\(c.rank)) as \(other)")
                }
                ranks[c.rank] = c.name
                for name in [c.name] + c.aliases {
                    if names[name] != nil {
                        throw ConfigFileError(line: line, "the name \(name) is used by two classes")
                    }
                    names[name] = line
                }
            }
            policy.classes = classes
        }
        // An org (a prefix of another team) may not hold a guarantee of its own.
        for (name, entry) in teams.sorted(by: { $0.key < $1.key }) {
            let (team, line) = entry
            let isOrg = teams.keys.contains { $0.hasPrefix(name + "/") }
            if isOrg,
                team.guarantee > 0 || team.headroom > 0 || team.modelGuarantees.values.contains(where: { $0 > 0 })
            {
                throw ConfigFileError(
                    line: line,
                    "guarantees and headroom belong to teams, not orgs: \(name)'s guarantee is the sum of its teams'; use "
                        + "borrow_limit to cap the whole org")
            }
        }
        policy.teams = teams.values.map(\.0).sorted { $0.name < $1.name }
        return policy
    }

    private enum Value {
        case number(Double)
        case bool(Bool)
        case string(String)
        case strings([String])

        init(_ text: String, line: Int) throws(ConfigFileError) {
            if text == "true" {
                self = .bool(true)
            } else if text == "false" {
                self = .bool(false)
            } else if text.hasPrefix("\"") {
                guard text.count >= 2, text.hasSuffix("\""), !text.dropFirst().dropLast().contains("\"") else {
                    throw ConfigFileError(line: line, "a string is \"text\" without inner quotes")
                }
                self = .string(String(text.dropFirst().dropLast()))
            } else if text.hasPrefix("[") {
                guard text.hasSuffix("]") else { throw ConfigFileError(line: line, "a list is [\"a\", \"b\"]") }
                var items: [String] = []
                for part in text.dropFirst().dropLast().split(separator: ",") {
                    let item = String(part).trimmingSpaces
                    guard item.count >= 2, item.hasPrefix("\""), item.hasSuffix("\"") else {
                        throw ConfigFileError(line: line, "a list holds quoted strings, as [\"a\", \"b\"]")
                    }
                    items.append(String(item.dropFirst().dropLast()))
                }
                self = .strings(items)
            } else if let n = Double(text.replacingUnderscores), n.isFinite {
                self = .number(n)
            } else {
                throw ConfigFileError(line: line, "\(text) is not a number, true/false, a \"string\" or a [list]")
            }
        }
    }

    private static func stripComment(_ line: Substring) -> Substring {
        var inString = false
        for i in line.indices {
            if line[i] == "\"" { inString.toggle() }
            if line[i] == "#" && !inString { return line[..<i] }
        }
        return line
    }

    private static func validName(_ name: String, allowSlash: Bool) -> Bool {
        guard !name.isEmpty, name.count <= (allowSlash ? JobSpec.Limits.maxNameLength : 64) else { return false }
        if allowSlash, name.split(separator: "/", omittingEmptySubsequences: false).contains(where: \.isEmpty) {
            return false
        }
        return name.unicodeScalars.allSatisfy { c in
            (c >= "a" && c <= "z") || (c >= "0" && c <= "9") || c == "-" || c == "_"
                || (allowSlash && ((c >= "A" && c <= "Z") || c == "/" || c == "."))
        }
    }

    private static func format(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
    }
}

/// A config file refused: the line (1-based) and what is wrong with it.
public struct ConfigFileError: Error, Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var reason: String

    public init(line: Int, _ reason: String) {
        self.line = line
        self.reason = reason
    }

    public var description: String { "line \(line): \(reason)" }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s = s.dropLast() }
        return String(s)
    }

    var replacingUnderscores: String { String(filter { $0 != "_" }) }
}

extension Substring {
    var trimmingSpaces: String { String(self).trimmingSpaces }
}
