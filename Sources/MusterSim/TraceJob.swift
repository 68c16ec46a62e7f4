import MusterCore

/// One job of a workload: what the user asked for, and how long it really runs once started.
public struct TraceJob: Sendable, Hashable {
    public var spec: JobSpec
    /// Actual run time in seconds. If it exceeds `spec.timeLimit` the job is stopped at the limit.
    public var runtime: Seconds
    /// The partition (e.g. Philly virtual cluster) the job was submitted to; nil: the default partition.
    public var partition: String?
    /// The service the job is a replica of (submitted as one: `PendingJob.service`, so its team's headroom
    /// applies); nil: a batch job.
    public var service: String?

    public init(spec: JobSpec, runtime: Seconds, partition: String? = nil, service: String? = nil) {
        self.spec = spec
        self.runtime = runtime
        self.partition = partition
        self.service = service
    }
}

/// A workload to replay: jobs in submission order, plus where they came from.
public struct Workload: Sendable {
    /// Short name for reports, e.g. `philly` or `synthetic(seed 1)`.
    public var name: String
    public var jobs: [TraceJob]
    /// Lines or jobs that were read but not replayed, with the reason (e.g. CPU-only pods).
    public var notes: [String]

    public init(name: String, jobs: [TraceJob], notes: [String] = []) {
        self.name = name
        self.jobs = jobs
        self.notes = notes
    }
}
