/// One ended job in `GET /v1/history` (sacct's line): who, what, when, where, and what it used.
public struct HistoryEntry: Codable, Sendable, Hashable {
    public var id: Int64
    public var name: String?
    public var user: String
    public var team: String
    public var className: String
    public var state: String
    public var submitTime: Double
    public var startTime: Double?
    public var endTime: Double
    public var gpus: Int
    public var nodes: [String]
    public var gpuHours: Double
    public var energyWh: Double
    public var restarts: Int
    public var preemptions: Int
    public var exitCode: Int32?
    public var reason: String?

    public init(
        id: Int64, name: String?, user: String, team: String, className: String, state: String, submitTime: Double,
        startTime: Double?, endTime: Double, gpus: Int, nodes: [String], gpuHours: Double, energyWh: Double,
        restarts: Int, preemptions: Int, exitCode: Int32?, reason: String?
    ) {
        self.id = id
        self.name = name
        self.user = user
        self.team = team
        self.className = className
        self.state = state
        self.submitTime = submitTime
        self.startTime = startTime
        self.endTime = endTime
        self.gpus = gpus
        self.nodes = nodes
        self.gpuHours = gpuHours
        self.energyWh = energyWh
        self.restarts = restarts
        self.preemptions = preemptions
        self.exitCode = exitCode
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case id, name, user, team, state, gpus, nodes, restarts, preemptions, reason
        case className = "class"
        case submitTime = "submit_time"
        case startTime = "start_time"
        case endTime = "end_time"
        case gpuHours = "gpu_hours"
        case energyWh = "energy_wh"
        case exitCode = "exit_code"
    }
}
