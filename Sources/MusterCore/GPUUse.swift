/// How one GPU model's GPUs are used now: every registered GPU is in exactly one of these.
public struct GPUUse: Sendable, Hashable {
    public var model: String
    /// Held by attempts (running or still stopping).
    public var allocated = 0
    /// Free on nodes in service.
    public var idle = 0
    /// Held back as hot spares.
    public var spare = 0
    /// Free on drained nodes.
    public var drained = 0
    /// On nodes down or returning.
    public var down = 0

    public init(model: String) { self.model = model }

    public var total: Int { allocated + idle + spare + drained + down }
}
