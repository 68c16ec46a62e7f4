/// Unexpected interruptions as the simulator injects them: a rate per GPU-hour, and a mix of components, each
/// with how long its node is out for repair (0: the job restarts, the node stays up).
///
/// The default, `llama3`, is Table 5 of the Llama 3 paper (Meta, 2024): 419 unexpected interruptions in 54 days
/// of a 16,384-H100 job, by root cause. The rate is 419 / (16,384 GPUs x 54 days x 24 h). Repair times are not
/// in the paper and are assumptions: a GPU, memory or host part is replaced in 24 h, a switch or cable in 4 h,
/// unplanned host maintenance takes 8 h; software bugs, NCCL timeouts and dependencies need only a restart.
public struct FailureModel: Sendable, Hashable {
    public struct Component: Sendable, Hashable {
        public var name: String
        /// Interruptions of this cause in the source (a weight).
        public var count: Double
        /// Hours its node is out; 0: the node is not taken out.
        public var repairHours: Double

        public init(name: String, count: Double, repairHours: Double) {
            self.name = name
            self.count = count
            self.repairHours = repairHours
        }
    }

    /// Interruptions per GPU-hour of the cluster.
    public var perGPUHour: Double
    public var components: [Component]

    public init(perGPUHour: Double, components: [Component]) {
        self.perGPUHour = perGPUHour
        self.components = components
    }

    public static let llama3 = FailureModel(
        perGPUHour: 419.0 / (16_384 * 54 * 24),
        components: [
            .init(name: "faulty GPU", count: 148, repairHours: 24),
            .init(name: "GPU HBM3 memory", count: 72, repairHours: 24),
            .init(name: "software bug", count: 54, repairHours: 0),
            .init(name: "network switch/cable", count: 35, repairHours: 4),
            .init(name: "host maintenance", count: 32, repairHours: 8),
            .init(name: "GPU SRAM memory", count: 19, repairHours: 24),
            .init(name: "GPU system processor", count: 17, repairHours: 24),
            .init(name: "NIC", count: 7, repairHours: 24),
            .init(name: "NCCL watchdog timeout", count: 7, repairHours: 0),
            .init(name: "silent data corruption", count: 6, repairHours: 24),
            .init(name: "GPU thermal interface and sensor", count: 6, repairHours: 24),
            .init(name: "SSD", count: 3, repairHours: 24),
            .init(name: "power supply", count: 3, repairHours: 24),
            .init(name: "server chassis", count: 2, repairHours: 24),
            .init(name: "IO expansion board", count: 2, repairHours: 24),
            .init(name: "dependency", count: 2, repairHours: 0),
            .init(name: "CPU", count: 2, repairHours: 24),
            .init(name: "system memory", count: 2, repairHours: 24),
        ])

    /// The component of a failure, for `u` uniform in 0..<1.
    func component(_ u: Double) -> Component {
        let total = components.reduce(0) { $0 + $1.count }
        var left = u * total
        for c in components {
            if left < c.count { return c }
            left -= c.count
        }
        return components[components.count - 1]
    }
}
