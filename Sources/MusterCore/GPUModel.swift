/// A kind of GPU: what a node's GPUs are, for placement constraints, reports and the power model.
public struct GPUModel: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Marketing or internal name, e.g. `H100-SXM`.
    public var name: String
    /// Memory per GPU in GiB.
    public var memoryGiB: Int
    /// Board power at full load, in watts.
    public var maxWatts: Int
    /// Board power when idle, in watts.
    public var idleWatts: Int

    public init(name: String, memoryGiB: Int, maxWatts: Int, idleWatts: Int) {
        self.name = name
        self.memoryGiB = memoryGiB
        self.maxWatts = maxWatts
        self.idleWatts = idleWatts
    }

    public static let h100 = GPUModel(name: "H100-SXM", memoryGiB: 80, maxWatts: 700, idleWatts: 70)
    /// A Blackwell GPU of a GB200 NVL72 rack (1.2 kW at most, 186 GB HBM3e; `PowerModel.gb200`).
    public static let gb200 = GPUModel(name: "GB200", memoryGiB: 186, maxWatts: 1_200, idleWatts: 100)
    public static let v100 = GPUModel(name: "V100", memoryGiB: 16, maxWatts: 300, idleWatts: 40)
    public static let p100 = GPUModel(name: "P100", memoryGiB: 16, maxWatts: 250, idleWatts: 30)

    public var description: String { name }

    /// The index of the model a job's `gpuModel` names: the one whose name it is (any case), else the only one
    /// whose name contains it (`a100` for `NVIDIA A100-SXM4-80GB`, as Slurm's gres types name them); nil when
    /// none or several do.
    public static func resolve(_ asked: String, in models: [GPUModel]) -> Int? {
        let asked = asked.lowercased()
        if let exact = models.firstIndex(where: { $0.name.lowercased() == asked }) { return exact }
        let containing = models.indices.filter { models[$0].name.lowercased().contains(asked) }
        return containing.count == 1 ? containing[0] : nil
    }
}
