import MusterCore

/// The controller's durable state, behind one async protocol that every backend (SQLite now, PostgreSQL later)
/// implements and one conformance suite checks. Every call returns only once its change is committed; a batch is
/// one transaction. Rows are the core's values (`Job`, `Node`) and the store's own `TokenRecord`: no wire types.
public protocol Store: Sendable {
    /// Writes jobs (insert or replace by id), nodes (by name) and tokens (by hash) in one transaction.
    func commit(_ batch: StoreBatch) async throws(StoreError)
    /// What a starting controller needs: the live jobs (pending, running, or ended with processes that may still
    /// run) by id ascending, the highest job id ever stored, nodes by name, services, tokens. Ended jobs are not
    /// loaded: `jobs(ids:)`, `job(owner:idempotencyKey:)` and `endedJobs` read them when asked.
    func load() async throws(StoreError) -> StoredState
    /// The stored jobs of these ids (any state), by id ascending; ids not stored are left out.
    func jobs(ids: [Int64]) async throws(StoreError) -> [Job]
    /// The job `owner` submitted with idempotency key `key`, if stored.
    func job(owner: String, idempotencyKey key: String) async throws(StoreError) -> Job?
    /// Ended jobs that pass `query`'s filters, newest (highest id) first, at most `query.limit`.
    func endedJobs(_ query: HistoryQuery) async throws(StoreError) -> [Job]
    /// The GPU-seconds of jobs that ended at or after `since`, by team and by window of `window` seconds of
    /// end time (fair share's past use, rebuilt at a start without loading the ended jobs).
    func endedUse(since: Double, window: Double) async throws(StoreError) -> [EndedUse]
    /// The schema version this store is at (the last migration applied).
    func schemaVersion() async throws(StoreError) -> String
}

/// One transaction's worth of rows.
public struct StoreBatch: Sendable {
    public var jobs: [Job]
    public var nodes: [Node]
    public var tokens: [TokenRecord]
    public var services: [Service]

    public init(jobs: [Job] = [], nodes: [Node] = [], tokens: [TokenRecord] = [], services: [Service] = []) {
        self.jobs = jobs
        self.nodes = nodes
        self.tokens = tokens
        self.services = services
    }

    public var isEmpty: Bool { jobs.isEmpty && nodes.isEmpty && tokens.isEmpty && services.isEmpty }

    /// This batch followed by `later`: one row per key, the later one winning, first-seen order kept.
    public mutating func merge(_ later: StoreBatch) {
        func merged<T, K: Hashable>(_ a: [T], _ b: [T], _ key: (T) -> K) -> [T] {
            guard !b.isEmpty else { return a }
            var index: [K: Int] = [:]
            var out = a
            for (i, row) in a.enumerated() { index[key(row)] = i }
            for row in b {
                if let i = index[key(row)] {
                    out[i] = row
                } else {
                    index[key(row)] = out.count
                    out.append(row)
                }
            }
            return out
        }
        jobs = merged(jobs, later.jobs, \.id)
        nodes = merged(nodes, later.nodes, \.name)
        tokens = merged(tokens, later.tokens, \.hash)
        services = merged(services, later.services, \.spec.name)
    }
}

/// What `Store.load` returns.
public struct StoredState: Sendable {
    public var jobs: [Job]
    public var nodes: [Node]
    public var tokens: [TokenRecord]
    public var services: [Service] = []
    /// The highest job id stored (0: none): ids go on from it even though ended jobs are not loaded.
    public var maxJobID: Int64 = 0
    /// Rows that could not be read back (damaged, or written by a newer version), each with the reason; the
    /// controller reports them and carries on with the rest.
    public var unreadable: [String]

    public init(jobs: [Job] = [], nodes: [Node] = [], tokens: [TokenRecord] = [], unreadable: [String] = []) {
        self.jobs = jobs
        self.nodes = nodes
        self.tokens = tokens
        self.unreadable = unreadable
    }
}

/// An API token as stored: only its SHA-256, never the token itself.
public struct TokenRecord: Sendable, Hashable {
    /// Hex SHA-256 of the token.
    public var hash: String
    public var user: String
    public var role: Role
    public var createdAt: Double
    /// Revoked tokens stay (for audit) but authenticate no one.
    public var revoked: Bool

    /// What a token lets its bearer do.
    public enum Role: String, Sendable, Hashable, CaseIterable {
        /// Submit, see and cancel one's own jobs.
        case user
        /// Everything, every user's jobs, token management.
        case admin
        /// Register nodes and act as their agents.
        case join
    }

    public init(hash: String, user: String, role: Role, createdAt: Double, revoked: Bool = false) {
        self.hash = hash
        self.user = user
        self.role = role
        self.createdAt = createdAt
        self.revoked = revoked
    }
}

/// Why the store could not read or write. `retryable` errors (the database was busy or an I/O hiccup) may
/// succeed if tried again; others (corruption, a full disk, a schema from a newer version) need an operator.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var retryable: Bool

    public init(_ message: String, retryable: Bool = false) {
        self.message = message
        self.retryable = retryable
    }

    public var description: String { "store: \(message)" }
}
