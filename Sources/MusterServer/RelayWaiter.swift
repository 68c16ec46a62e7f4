import MusterAPI

/// A relay's multiplexed long-poll waiting in the controller: the nodes it polls for, what the relay already
/// holds of each (answer only with something newer), and how to answer.
struct RelayWaiter: Sendable {
    let id: Int
    /// Node → the last item number the relay holds for it (-1: nothing of this controller instance).
    let known: [String: Int64]
    let continuation: CheckedContinuation<RelayPollAnswer, Never>
}
