import Foundation
import MusterCore

/// How a controller runs: where its state lives and its timeouts.
public struct ControllerConfig: Sendable {
    /// Directory of the database, the lock, the token files, and the logs agents upload
    /// (`logs/<job>/rank-<r>.out`). Readable by its owner only.
    public var dataDir: String
    public var policy: SchedulingPolicy
    /// A node that sends nothing for this long is marked down and its jobs fail.
    public var heartbeatTimeout: Double
    /// How often agents heartbeat on a small cluster (sent at registration and with every heartbeat's answer);
    /// see `heartbeatInterval(nodes:)`.
    public var heartbeatInterval: Double
    /// Most heartbeats a second the controller asks for in all: beyond `heartbeatInterval × this` nodes, the
    /// interval grows with the cluster, up to a third of the timeout (as Slurm pings every `SlurmdTimeout/3`).
    public static let heartbeatsPerSecond = 2_000.0

    /// The interval agents are told for a cluster of `nodes`: `heartbeatInterval`, or longer so that all of them
    /// send at most `heartbeatsPerSecond`, but never more than a third of the timeout (a node missing two
    /// heartbeats in a row is still up).
    public func heartbeatInterval(nodes: Int) -> Double {
        min(
            max(heartbeatInterval, Double(nodes) / Self.heartbeatsPerSecond),
            max(heartbeatInterval, heartbeatTimeout / 3))
    }
    /// With a shared PostgreSQL store: whether this controller still holds the leader's lease by its own clock
    /// (`LeaseValidity.held`). While it says no, every request but `/healthz` gets 503 `not_leader`, so clients and
    /// agents go to the other controllers. Nil (SQLite, one controller): always leads.
    public var leaseHeld: (@Sendable () -> Bool)?
    /// Seconds between SIGTERM and SIGKILL when a job is cancelled or hits its time limit.
    public var killGrace: Double
    /// Time limit of a job that gives none, in seconds.
    public var defaultTimeLimit: Int64
    /// A rank assigned but not reported started within this long is lost and its job fails.
    public var startTimeout: Double
    /// A requeued job's first wait before it may start again (doubling with each restart, at most 10 min).
    public var requeueBackoff: Double
    /// Classes, teams, quotas and preemption (the defaults, or the config file's).
    public var sharing: SharingPolicy
    /// The config file `sharing` came from, read again on SIGHUP and `muster admin reload`; nil: defaults.
    public var configPath: String?
    /// The `MASTER_PORT` range jobs get (unique per host); a replica's `MUSTER_PORT` is 10,000 below.
    public var masterPorts: ClosedRange<Int> = 20_000...29_999
    /// Where `masterPorts` may lie: both a job's port and a replica's (10,000 below) unprivileged and valid.
    public static let masterPortLimits = 11_024...65_535
    /// Seconds between two utilisation samples (`GET /v1/utilisation`, the dashboard's chart).
    public var utilisationInterval: Double = 10
    /// Samples kept: an hour at the default interval.
    public var utilisationSamples = 360

    public init(
        dataDir: String, policy: SchedulingPolicy = .backfill, heartbeatTimeout: Double = 10,
        heartbeatInterval: Double? = nil, killGrace: Double = 5, defaultTimeLimit: Int64 = 3600,
        startTimeout: Double = 60, requeueBackoff: Double = 10, sharing: SharingPolicy = SharingPolicy(),
        configPath: String? = nil
    ) {
        self.dataDir = (dataDir as NSString).standardizingPath
        self.policy = policy
        self.heartbeatTimeout = heartbeatTimeout
        self.heartbeatInterval = heartbeatInterval ?? max(0.2, min(3, heartbeatTimeout / 4))
        self.killGrace = killGrace
        self.defaultTimeLimit = defaultTimeLimit
        self.startTimeout = startTimeout
        self.requeueBackoff = requeueBackoff
        self.sharing = sharing
        self.configPath = configPath
    }

    /// Reads and checks the config file at `path`: the policy, or what is wrong (line and reason).
    public static func loadSharing(path: String) throws(ControllerError) -> SharingPolicy {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .invalid("config", "cannot read the config file \(path)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .invalid("config", "\(path) is not UTF-8 text")
        }
        do {
            return try SharingConfigFile.parse(text)
        } catch {
            throw .invalid("config", "\(path), \(error)")
        }
    }

    /// Where the state lives when not in the data directory's SQLite file: a PostgreSQL URL
    /// (`postgres://USER:PASSWORD@HOST:PORT/DATABASE`), which several controllers may share (one leads).
    public var storeURL: String?

    /// Days an ended job stays in the store for `muster history` and `muster usage` (`--history-days`); nil:
    /// forever. Older ones are purged at start and every hour.
    public var historyDays: Double?

    /// Seconds an ended job stays in the controller's memory (`--keep-ended`, as Slurm's `MinJobAge`); after
    /// that the store answers for it.
    public var keepEnded: Double = 300

    /// The SQLite file.
    public var databasePath: String { dataDir + "/muster.sqlite" }

    /// The lifecycle's settings.
    var lifecycle: LifecycleConfig {
        LifecycleConfig(
            policy: policy, heartbeatTimeout: heartbeatTimeout, startTimeout: startTimeout, killGrace: killGrace,
            keepEnded: keepEnded, masterPorts: masterPorts, requeueBackoff: requeueBackoff, sharing: sharing)
    }
}
