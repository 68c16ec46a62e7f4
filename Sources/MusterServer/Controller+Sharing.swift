import MusterAPI
import MusterCore

extension Controller {
    /// Teams and classes as `muster teams` shows them.
    public func teams() throws(ControllerError) -> TeamList {
        try available()
        let teams = lifecycle.teamReport().map { t in
            var info = TeamInfo(
                name: t.name, guarantee: t.guarantee, borrowLimit: t.borrowLimit, lendLimit: t.lendLimit,
                using: t.using, borrowed: t.borrowed, lent: t.lent, fairShare: (t.fairShare * 1000).rounded() / 1000,
                pendingJobs: t.pendingJobs, isLeaf: t.isLeaf,
                models: t.models.isEmpty
                    ? nil
                    : t.models.map {
                        TeamModelInfo(model: $0.model, guarantee: $0.guarantee, using: $0.using, borrowed: $0.borrowed)
                    })
            info.headroom = t.headroom
            info.serviceGPUs = t.serviceGPUs
            return info
        }
        return TeamList(
            teams: teams, classes: sharing.classes.sorted { $0.rank > $1.rank }.map(\.name),
            lending: sharing.lending, preemption: sharing.preemption)
    }

    /// Reads the config file again (SIGHUP, `muster admin reload`): a good file is put in force at once, a bad one
    /// is refused with its line and reason and the running config stays.
    public func reloadConfig(by principal: Principal? = nil) async throws(ControllerError) -> ReloadResponse {
        if let principal, !principal.admin { throw .forbidden("only admins may reload the config") }
        guard let path = config.configPath else {
            throw .invalid("config", "the controller was started without --config; there is no file to reload")
        }
        let policy = try ControllerConfig.loadSharing(path: path)
        sharing = policy
        let directives = lifecycle.reload(sharing: policy)
        logger.info("config reloaded from \(path): \(policy.teams.count) teams, classes \(policy.classNames)")
        try await apply(directives)
        return ReloadResponse(
            config: path, teams: policy.teams.count, classes: policy.classes.sorted { $0.rank > $1.rank }.map(\.name))
    }
}
