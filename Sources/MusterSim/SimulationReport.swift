import MusterCore

/// What a simulation run measured. Encodes to stable JSON: the same inputs and seed give byte-identical output.
public struct SimulationReport: Sendable, Codable, Hashable {
    /// Counts of jobs by outcome.
    public struct Jobs: Sendable, Codable, Hashable {
        public var submitted: Int
        public var completed: Int
        /// Stopped at their time limit.
        public var timedOut: Int
        /// Refused at submit: they could never fit the cluster.
        public var rejected: Int
        /// Still queued or running when the replay ended (never, unless the run was cut short).
        public var unfinished: Int
        /// Named a partition the cluster does not have, so ran in the default partition.
        public var unknownPartition: Int
    }

    /// The cluster replayed on.
    public struct ClusterInfo: Sendable, Codable, Hashable {
        public var name: String
        public var nodes: Int
        public var gpus: Int
        public var levels: [String]
        /// The partitions, each scheduled on its own, default first; nil when the cluster is one queue.
        public var partitions: [String]?
    }

    /// How well multi-node gangs respected the topology.
    public struct Topology: Sendable, Codable, Hashable {
        public var multiNodeJobs: Int
        /// Mean number of lowest-level blocks (leaf switches) a multi-node job spans.
        public var meanLeafBlocksSpanned: Double
        /// Mean of the fewest leaf blocks each of those jobs could possibly span.
        public var meanMinimalLeafBlocks: Double
        /// Share of multi-node jobs small enough for one leaf that were placed in one leaf.
        public var shareInOneLeafWhenItFits: Double
    }

    /// Free GPUs no pending job could use (on nodes with fewer free GPUs than any pending job needs per node),
    /// sampled once per chart bucket while the queue was not empty.
    public struct Fragmentation: Sendable, Codable, Hashable {
        public var samples: Int
        public var meanStrandedGPUs: Double
        /// Stranded GPUs as a share of all GPUs.
        public var meanStrandedShare: Double

        enum CodingKeys: String, CodingKey {
            case samples
            case meanStrandedGPUs = "meanStrandedGpus"
            case meanStrandedShare
        }
    }

    /// Charts: time-bucketed series and the JCT distribution.
    public struct Series: Sendable, Codable, Hashable {
        public var bucketSeconds: Int64
        /// Mean busy share of GPUs per bucket, 0...1.
        public var utilization: [Double]
        /// Mean queue length per bucket.
        public var queueLength: [Double]
        /// (JCT seconds, cumulative share) points.
        public var jctCDF: [[Double]]
    }

    public var workload: String
    public var cluster: ClusterInfo
    public var policy: String
    public var seed: UInt64?
    public var jobs: Jobs
    public var waitSeconds: Distribution
    public var jctSeconds: Distribution
    /// max(1, JCT / max(run time, 10 s)).
    public var boundedSlowdown: Distribution
    /// From the first submit to the last completion.
    public var makespanSeconds: Int64
    /// Time-averaged busy share of all GPUs over the makespan.
    public var gpuUtilization: Double
    public var fragmentation: Fragmentation
    public var topology: Topology
    public var planningPasses: Int
    public var reservations: Int
    /// Jobs backfill passes did not examine, beyond their depth (`Scheduler.defaultBackfillDepth`), summed over
    /// passes; absent when none.
    public var backfillSkipped: Int?
    public var invariantChecks: Int
    public var series: Series
    /// Teams and preemption (with `--config`, or Philly's partitions): absent otherwise.
    public var sharing: Sharing? = nil
    /// The facility's modelled draw (`PowerModel`) over the replay.
    public var power: Power? = nil
    /// Injected failures (`Simulator.failures`) and what they cost; absent without.
    public var failures: Failures? = nil

    /// Failures and their cost.
    public struct Failures: Sendable, Codable, Hashable {
        public var nodeFailures: Int
        /// Node failures per day of the makespan.
        public var perDay: Double
        /// Running jobs a failure interrupted (a job interrupted twice counts twice).
        public var jobInterruptions: Int
        /// GPU-hours of work thrown away (since the interrupted jobs' last checkpoints, plus their restarts).
        public var lostGPUHours: Double
        /// The largest jobs (at least 1,024 GPUs, at most 20, largest first): effective training time ratio.
        public var largeJobs: [LargeJob]
        /// Hot spares in the pool at the end, and interrupted gangs restarted at once on their nodes and spares.
        public var spares: Int = 0
        public var restartsOnSpares: Int = 0

        /// A large job's interruptions and ETTR: its run time over the wall time from its first start to its end.
        public struct LargeJob: Sendable, Codable, Hashable {
            public var job: Int
            public var gpus: Int
            public var interruptions: Int
            public var ettr: Double
        }
    }

    /// Facility power from the busy GPUs of each time bucket: busy GPUs at their typical draw, the others idle,
    /// every node's other parts on, times the PUE.
    public struct Power: Sendable, Codable, Hashable {
        /// The power model used (a preset's name, or the GPU model's with its node parts not modelled).
        public var model: String
        public var pue: Double
        public var meanMW: Double
        /// The highest and lowest bucket averages: how far the load swings.
        public var peakMW: Double
        public var lowMW: Double
        /// Over the makespan.
        public var energyMWh: Double
        /// Per bucket of `series.bucketSeconds`.
        public var facilityMW: [Double]
    }

    /// How well guarantees held and what preemption cost.
    public struct Sharing: Sendable, Codable, Hashable {
        public var preemptions: Int
        /// GPU-hours of work thrown away by preemptions (since the victims' last checkpoints, plus the time they
        /// had spent restarting).
        public var lostGPUHours: Double
        /// Job-hours spent waiting while the job fitted in its team's unused guarantee (its partition's free
        /// GPUs, for strict partitions).
        public var guaranteeViolationJobHours: Double?
    }
}
