/// What one kind of GPU node draws: each GPU idle, at a typical training load and at most, plus the rest of the
/// node (CPUs, memory, NICs, fans, NVSwitch), and the facility's power usage effectiveness (PUE).
///
/// Presets, with their sources:
/// - `h100`: H100 SXM, 700 W TDP (NVIDIA H100 datasheet); a DGX H100 draws about 10.2 kW at most (DGX H100
///   user guide), so the rest of its 8-GPU node is 10.2 kW - 8 x 700 W = 4.6 kW. Idle 70 W per GPU (what
///   `nvidia-smi` reports for an idle H100 SXM); typical 600 W is an assumption (dense training keeps GPUs near
///   TDP; set it from your own readings).
/// - `gb200`: GB200 NVL72, about 120 kW per rack of 72 GPUs (NVIDIA's rack figure, as the issue states it), 1.2 kW
///   per Blackwell GPU at most; a node is one compute tray of 4 GPUs (18 per rack), so the rest of a tray,
///   its Grace CPUs and its share of switch trays, is 120 kW / 18 - 4 x 1.2 kW = 1.87 kW. Idle 100 W and typical
///   1 kW are assumptions.
/// - PUE 1.2 for both: an assumption for a new liquid-cooled AI hall (Uptime Institute's 2023 fleet average is
///   1.58; hyperscalers report 1.1 to 1.2).
public struct PowerModel: Sendable, Hashable, Codable {
    public var name: String
    public var gpuIdleWatts: Double
    public var gpuTypicalWatts: Double
    public var gpuMaxWatts: Double
    public var gpusPerNode: Int
    /// The rest of a node, at full load.
    public var nodeOtherWatts: Double
    public var pue: Double

    public init(
        name: String, gpuIdleWatts: Double, gpuTypicalWatts: Double, gpuMaxWatts: Double, gpusPerNode: Int,
        nodeOtherWatts: Double, pue: Double
    ) {
        self.name = name
        self.gpuIdleWatts = gpuIdleWatts
        self.gpuTypicalWatts = gpuTypicalWatts
        self.gpuMaxWatts = gpuMaxWatts
        self.gpusPerNode = gpusPerNode
        self.nodeOtherWatts = nodeOtherWatts
        self.pue = pue
    }

    public static let h100 = PowerModel(
        name: "h100", gpuIdleWatts: 70, gpuTypicalWatts: 600, gpuMaxWatts: 700, gpusPerNode: 8,
        nodeOtherWatts: 4_600, pue: 1.2)
    public static let gb200 = PowerModel(
        name: "gb200", gpuIdleWatts: 100, gpuTypicalWatts: 1_000, gpuMaxWatts: 1_200, gpusPerNode: 4,
        nodeOtherWatts: 120_000.0 / 18 - 4 * 1_200, pue: 1.2)

    /// The preset named `name` (`h100`, `gb200`), or nil.
    public static func named(_ name: String) -> PowerModel? {
        [h100, gb200].first { $0.name == name.lowercased() }
    }

    /// A node at full load: every GPU at its maximum and the rest of the node.
    public var nodeMaxWatts: Double { Double(gpusPerNode) * gpuMaxWatts + nodeOtherWatts }

    /// IT watts of `gpus` GPUs in whole nodes, `busy` of them working: busy GPUs at their maximum (`atMax`) or
    /// typical draw, the others idle, and every node's other parts on.
    public func itWatts(gpus: Int, busy: Int, atMax: Bool = false) -> Double {
        let nodes = Double(gpus) / Double(max(1, gpusPerNode))
        let busy = Double(min(max(0, busy), gpus))
        let working = atMax ? gpuMaxWatts : gpuTypicalWatts
        return nodes * nodeOtherWatts + busy * working + (Double(gpus) - busy) * gpuIdleWatts
    }
}
