/// Seconds on whichever clock drives the scheduler: the simulator's virtual clock or the controller's wall clock.
///
/// Whole seconds keep every comparison exact, so the same inputs always give the same decisions.
public typealias Seconds = Int64

/// A job's identity: dense in the simulator, the durable row id in the controller.
public typealias JobID = Int64
