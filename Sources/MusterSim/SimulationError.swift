/// Why a simulation stopped.
public enum SimulationError: Error, Sendable, CustomStringConvertible {
    /// `--check` found the cluster state broken: a bug in Muster's core, with what broke and when.
    case invariantViolated(at: Int64, [String])
    /// A simulation of the what-if planner could not run (its cluster size, with the reason).
    case planFailed(String)
    /// A replay of `muster bench inference` could not run (its mode and cluster size, with the reason).
    case benchFailed(String)

    public var description: String {
        switch self {
        case .invariantViolated(let time, let problems):
            "invariant violated at t=\(time) s: " + problems.prefix(5).joined(separator: "; ")
                + (problems.count > 5 ? " (+\(problems.count - 5) more)" : "")
        case .planFailed(let why): "plan: \(why)"
        case .benchFailed(let why): "bench inference: \(why)"
        }
    }
}
