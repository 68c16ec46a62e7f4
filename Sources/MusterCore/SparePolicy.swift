/// How many hot spares each leaf block keeps, and whether short jobs may borrow them (`[spares]` in the config
/// file, `muster sim --spares`).
///
/// A spare is a whole idle node held back from ordinary work, so that a gang interrupted by a failure restarts at
/// once on its surviving nodes plus spares of the same leaf blocks, keeping its topology, instead of queueing
/// behind everything else (Meta and xAI run pools of a few percent for this).
public struct SparePolicy: Sendable, Hashable {
    /// Share of each leaf block's nodes kept as spares, in `0...0.5`. Leaves get whole nodes; the shares left over
    /// are carried from leaf to leaf, so the cluster keeps `share × nodes` spares in all (1/16 with 32-node
    /// leaves: 2 per leaf).
    public var share: Double
    /// Seconds: a queued one-node job whose time limit is at most this may run on a spare's idle GPUs, which go
    /// back to the pool when it ends; 0: spares run nothing but restarts (the default).
    public var lendLimit: Seconds

    /// The accepted range of `share`.
    public static let shares: ClosedRange<Double> = 0...0.5

    public init(share: Double, lendLimit: Seconds = 0) {
        self.share = min(max(share.isFinite ? share : 0, Self.shares.lowerBound), Self.shares.upperBound)
        self.lendLimit = max(0, lendLimit)
    }
}
