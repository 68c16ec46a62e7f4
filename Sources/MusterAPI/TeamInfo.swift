/// One team as `GET /v1/teams` shows it (`muster teams`).
public struct TeamInfo: Codable, Sendable, Hashable {
    /// Full path (`org/team`).
    public var name: String
    /// Guaranteed GPUs (an org: the sum of its teams').
    public var guarantee: Int
    /// GPUs it may use beyond its guarantee; absent: no limit.
    public var borrowLimit: Int?
    /// GPUs of its idle guarantee it lends; absent: all.
    public var lendLimit: Int?
    /// GPUs its running jobs hold.
    public var using: Int
    /// Of those, GPUs beyond its guarantee (the first reclaimed).
    public var borrowed: Int
    /// GPUs of its idle guarantee others use now.
    public var lent: Int
    /// Fair-share factor, 0 to 1 (1: no recent use).
    public var fairShare: Double
    public var pendingJobs: Int
    /// A team that runs jobs (false: an org).
    public var isLeaf: Bool
    /// Its guarantees of single GPU models (`guarantee.MODEL`), with what its jobs that asked for them use.
    public var models: [TeamModelInfo]?
    /// GPUs held for its services (`headroom` in the config; only preemptible work may use them meanwhile), and
    /// the GPUs its service replicas hold; absent without headroom.
    public var headroom: Int?
    public var serviceGPUs: Int?

    public init(
        name: String, guarantee: Int, borrowLimit: Int?, lendLimit: Int?, using: Int, borrowed: Int, lent: Int,
        fairShare: Double, pendingJobs: Int, isLeaf: Bool, models: [TeamModelInfo]? = nil
    ) {
        self.models = models
        self.name = name
        self.guarantee = guarantee
        self.borrowLimit = borrowLimit
        self.lendLimit = lendLimit
        self.using = using
        self.borrowed = borrowed
        self.lent = lent
        self.fairShare = fairShare
        self.pendingJobs = pendingJobs
        self.isLeaf = isLeaf
    }

    enum CodingKeys: String, CodingKey {
        case name, guarantee
        case borrowLimit = "borrow_limit"
        case lendLimit = "lend_limit"
        case using, borrowed, lent
        case fairShare = "fair_share"
        case pendingJobs = "pending_jobs"
        case isLeaf = "is_leaf"
        case models, headroom
        case serviceGPUs = "service_gpus"
    }
}

/// A team's guarantee of one GPU model and its use of it.
public struct TeamModelInfo: Codable, Sendable, Hashable {
    public var model: String
    public var guarantee: Int
    /// GPUs of the model its jobs hold: those that asked for the model, and those of any model that run there.
    public var using: Int
    /// Of those, GPUs beyond the guarantee (a job of any model on the model's GPUs always borrows them).
    public var borrowed: Int

    public init(model: String, guarantee: Int, using: Int, borrowed: Int) {
        self.model = model
        self.guarantee = guarantee
        self.using = using
        self.borrowed = borrowed
    }
}

/// `GET /v1/teams`: the teams, the classes (highest first) and whether lending and preemption are on.
public struct TeamList: Codable, Sendable, Hashable {
    public var teams: [TeamInfo]
    public var classes: [String]
    public var lending: Bool
    public var preemption: Bool

    public init(teams: [TeamInfo], classes: [String], lending: Bool, preemption: Bool) {
        self.teams = teams
        self.classes = classes
        self.lending = lending
        self.preemption = preemption
    }
}

/// `POST /v1/admin/reload`: the file read, its teams and classes.
public struct ReloadResponse: Codable, Sendable, Hashable {
    public var config: String
    public var teams: Int
    public var classes: [String]

    public init(config: String, teams: Int, classes: [String]) {
        self.config = config
        self.teams = teams
        self.classes = classes
    }
}
