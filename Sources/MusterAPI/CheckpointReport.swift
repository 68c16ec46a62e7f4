/// A rank's job wrote a checkpoint: the newest modification time (agent clock, Unix seconds) among the entries of
/// its `MUSTER_CHECKPOINT_DIR`. Preemption picks victims by the work lost since this time.
public struct CheckpointReport: Codable, Sendable, Hashable {
    public var task: TaskKey
    public var time: Double

    public init(task: TaskKey, time: Double) {
        self.task = task
        self.time = time
    }
}
