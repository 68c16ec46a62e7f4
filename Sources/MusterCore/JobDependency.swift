/// One job waiting on another, as sbatch's `--dependency=TYPE:JOB`. A job with dependencies is held out of the
/// queue until every one is satisfied; one that can never be (its job failed for `afterok`) cancels it.
public struct JobDependency: Sendable, Hashable, Codable, CustomStringConvertible {
    /// What the other job must have done.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// It started (or ended without starting, e.g. cancelled while pending).
        case after
        /// It completed: every rank exited 0.
        case afterok
        /// It ended without completing: failed (non-zero exit, lost node, time limit) or cancelled.
        case afternotok
        /// It ended, however.
        case afterany
    }

    /// Whether a dependency holds yet.
    public enum Status: Sendable, Hashable {
        case satisfied
        /// Not yet; the words say what it waits for.
        case waiting(String)
        /// Never will (the job it names ended the wrong way, or is unknown); the words say why.
        case never(String)
    }

    public var kind: Kind
    public var job: JobID

    public init(_ kind: Kind, _ job: JobID) {
        self.kind = kind
        self.job = job
    }

    /// `afterok:12`, as sbatch writes it.
    public var description: String { "\(kind.rawValue):\(job)" }

    /// Most dependencies one job may have.
    public static let maxPerJob = 64

    /// What `other` (the job this dependency names, nil if unknown) means for it now.
    public func status(of other: Job?) -> Status {
        guard let other else { return .never("job \(job) is unknown") }
        let state = other.state
        switch kind {
        case .after:
            return state == .pending ? .waiting("job \(job) to start") : .satisfied
        case .afterok:
            if state == .completed { return .satisfied }
            return state.isTerminal ? .never("job \(job) \(state.rawValue)") : .waiting("job \(job) to complete")
        case .afternotok:
            if state == .failed || state == .cancelled { return .satisfied }
            return state.isTerminal ? .never("job \(job) completed") : .waiting("job \(job) to fail")
        case .afterany:
            return state.isTerminal ? .satisfied : .waiting("job \(job) to end")
        }
    }
}
