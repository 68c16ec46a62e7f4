/// What the lifecycle asks its shell to do after an event, in order. The live controller commits every store
/// directive of a batch in one transaction before it carries out the rest; the simulator ignores the store
/// directives and turns the others into events.
public enum Directive: Sendable, Hashable {
    /// Write these jobs' current rows (read them from `Lifecycle.jobs`).
    case storeJobs([JobID])
    /// Write these nodes' current rows (read them from `Lifecycle.nodes`).
    case storeNodes([String])
    /// Write these services' current records (read them from `Lifecycle.services`).
    case storeServices([String])
    /// Send every rank of this attempt to its node.
    case assign(JobID, epoch: Int)
    /// Send every task of this step of the attempt to its node.
    case assignStep(JobID, epoch: Int, step: Int)
    /// Stop whatever still runs of this attempt (and older ones) on these nodes: SIGTERM, then SIGKILL.
    case kill(JobID, epoch: Int, nodes: [String], reason: String)
    /// Stop one stray task on one node: the node runs it but the lifecycle does not (fencing).
    case fence(node: String, TaskRef, reason: String)
    /// Something changed that may let a queued job start: plan soon.
    case wake
}
