import MusterCore

/// The controller's durable state. Every call returns only once its change is committed; a batch is one
/// transaction, so the scheduler's decisions of one planning pass become durable together.
public protocol Store: Sendable {
    /// Writes a new job and returns the id it got (the `id` field of `job` is ignored).
    func insertJob(_ job: JobRecord) throws(StoreError) -> JobID
    /// Writes several new jobs in one transaction; returns their ids in order.
    func insertJobs(_ jobs: [JobRecord]) throws(StoreError) -> [JobID]
    /// Rewrites the mutable fields of existing jobs and upserts nodes, all in one transaction.
    func commit(jobs: [JobRecord], nodes: [NodeRecord]) throws(StoreError)
    /// Every job, oldest first.
    func loadJobs() throws(StoreError) -> [JobRecord]
    /// Every node ever registered.
    func loadNodes() throws(StoreError) -> [NodeRecord]
}

/// Why the store could not read or write; the message names the file and the cause.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { "store: \(message)" }
}
