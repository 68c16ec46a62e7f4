/// One ended job as accounting keeps it (`muster history`, sacct's line).
public struct HistoryRecord: Sendable, Hashable {
    public var id: Int64
    public var name: String?
    public var user: String
    public var team: String
    public var className: String
    public var state: String
    public var submittedAt: Double
    public var startedAt: Double?
    public var endedAt: Double
    public var gpus: Int
    public var nodes: [String]
    public var gpuHours: Double
    public var energyWh: Double
    public var restarts: Int
    public var preemptions: Int
    public var exitCode: Int32?
    public var reason: String?

    public init(
        id: Int64, name: String?, user: String, team: String, className: String, state: String, submittedAt: Double,
        startedAt: Double?, endedAt: Double, gpus: Int, nodes: [String], gpuHours: Double, energyWh: Double,
        restarts: Int, preemptions: Int, exitCode: Int32?, reason: String?
    ) {
        self.id = id
        self.name = name
        self.user = user
        self.team = team
        self.className = className
        self.state = state
        self.submittedAt = submittedAt
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.gpus = gpus
        self.nodes = nodes
        self.gpuHours = gpuHours
        self.energyWh = energyWh
        self.restarts = restarts
        self.preemptions = preemptions
        self.exitCode = exitCode
        self.reason = reason
    }
}
