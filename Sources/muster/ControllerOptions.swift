import ArgumentParser
import MusterCore
import MusterServer
import MusterStore

/// The options `muster controller` and `muster up` share: where state lives, where to listen, how to schedule.
struct ControllerOptions: ParsableArguments {
    @Option(help: "Directory for the database, logs and checkpoints.")
    var data: String = ".muster"

    @Option(
        help: ArgumentHelp(
            "Where the state lives: absent, SQLite in the data directory; postgres://USER:PASSWORD@HOST:PORT/DB, a "
                + "PostgreSQL database that several controllers may share (one leads, the others stand by)."))
    var store: String?

    @Option(help: "HOST:PORT to listen on (port 0: any free port).")
    var listen: String = "127.0.0.1:7420"

    @Option(help: "fifo | priority | backfill")
    var policy: SchedulingPolicy = .backfill

    @Option(name: .customLong("heartbeat-timeout"), help: "Seconds without word from an agent before its node is down.")
    var heartbeatTimeout: Double = 10

    @Option(name: .customLong("kill-grace"), help: "Seconds between SIGTERM and SIGKILL.")
    var killGrace: Double = 5

    @Option(
        name: .customLong("requeue-backoff"),
        help: "Seconds a requeued job waits before its first restart (doubling each time, at most 600).")
    var requeueBackoff: Double = 10

    @Option(
        name: .customLong("master-ports"),
        help: ArgumentHelp(
            "FIRST-LAST: the MASTER_PORT range given to jobs, unique per host (a service replica's MUSTER_PORT is "
                + "MASTER_PORT - 10000), within \(ControllerConfig.masterPortLimits)."))
    var masterPorts = "20000-29999"

    @Option(
        name: .customLong("sample-interval"),
        help: "Seconds between two utilisation samples (GET /v1/utilisation, the dashboard); the last 360 are kept.")
    var sampleInterval: Double = 10

    @Option(
        help: ArgumentHelp(
            "Sharing config file: teams, guarantees, limits, classes, weights (see README). Read again on SIGHUP "
                + "and muster admin reload."))
    var config: String?

    @Option(
        name: .customLong("history-days"),
        help: "Days ended jobs stay queryable (muster history, muster usage); default: forever.")
    var historyDays: Double?

    @Option(
        name: .customLong("keep-ended"),
        help: ArgumentHelp(
            "Seconds an ended job stays in the controller's memory (1-86400, as Slurm's MinJobAge); then the "
                + "store answers for it."))
    var keepEnded: Double = 300

    /// The controller's configuration, with the data directory made absolute; a bad config file stops here with
    /// its line and reason.
    func controllerConfig() throws -> ControllerConfig {
        var sharing = SharingPolicy()
        let path = config.map(absolutePath)
        if let path {
            do {
                sharing = try ControllerConfig.loadSharing(path: path)
            } catch {
                throw ValidationError(error.body.error.message)
            }
        }
        let bounds = masterPorts.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
        guard bounds.count == 2, let first = bounds[0], let last = bounds[1], first <= last,
            ControllerConfig.masterPortLimits.contains(first), ControllerConfig.masterPortLimits.contains(last)
        else {
            throw ValidationError(
                "--master-ports must be FIRST-LAST within \(ControllerConfig.masterPortLimits), got '\(masterPorts)'")
        }
        guard sampleInterval.isFinite, sampleInterval >= 0.1, sampleInterval <= 3600 else {
            throw ValidationError("--sample-interval must be 0.1 to 3600 seconds, got \(sampleInterval)")
        }
        var config = ControllerConfig(
            dataDir: absolutePath(data), policy: policy, heartbeatTimeout: heartbeatTimeout, killGrace: killGrace,
            requeueBackoff: requeueBackoff, sharing: sharing, configPath: path)
        config.masterPorts = first...last
        if let historyDays {
            guard historyDays > 0, historyDays <= 36_500 else {
                throw ValidationError("--history-days must be above 0 and at most 36500, got \(historyDays)")
            }
            config.historyDays = historyDays
        }
        guard keepEnded.isFinite, keepEnded >= 1, keepEnded <= 86_400 else {
            throw ValidationError("--keep-ended must be 1 to 86400 seconds, got \(keepEnded)")
        }
        config.keepEnded = keepEnded
        if let store {
            guard PostgresURL.isPostgres(store) else {
                throw ValidationError(
                    "--store must be a postgres://USER:PASSWORD@HOST:PORT/DATABASE URL (leave it out for SQLite in "
                        + "--data), got '\(store.prefix(40))'")
            }
            do {
                _ = try PostgresURL(store)
            } catch {
                throw ValidationError("--store: \(error.message)")
            }
            config.storeURL = store
        }
        config.utilisationInterval = sampleInterval
        return config
    }
}
