/// A queued job as the scheduler needs to know it: its gang shape, limits and ordering keys.
public struct PendingJob: Sendable, Hashable {
    public var id: JobID
    public var shape: GangShape
    public var cpusPerNode: Int
    public var memoryMiBPerNode: Int
    /// Priority rank (higher first).
    public var priority: Int
    public var submitTime: Seconds
    public var timeLimit: Seconds
    /// Its team (an index of `Quotas`; 0 without sharing).
    public var team: Int32 = 0
    /// The job that last preempted it: it may not preempt that job back.
    public var preemptedBy: JobID?
    /// GPU-seconds of service it has received in earlier attempts (LAS, SRTF).
    public var attained: Double = 0
    /// The GPU model it must run on (an index of the cluster's `gpuModels`); -1: any.
    public var model: Int16 = -1
    /// A replica of a service (it may use its team's headroom, `TeamPolicy.headroom`).
    public var service = false

    /// `model` as placement takes it: nil for any model.
    @inline(__always) public var gpuModel: Int? { model < 0 ? nil : Int(model) }

    /// Seconds of its time limit not yet served (SRTF's remaining time).
    public var remaining: Double {
        max(0, Double(timeLimit) - (shape.gpus > 0 ? attained / Double(shape.gpus) : attained))
    }

    public init(
        id: JobID, shape: GangShape, cpusPerNode: Int = 0, memoryMiBPerNode: Int = 0,
        priority: Int = PriorityClass.normal.rank, submitTime: Seconds, timeLimit: Seconds, team: Int32 = 0
    ) {
        self.id = id
        self.shape = shape
        self.cpusPerNode = cpusPerNode
        self.memoryMiBPerNode = memoryMiBPerNode
        self.priority = priority
        self.submitTime = submitTime
        self.timeLimit = timeLimit
        self.team = team
    }

    /// Builds the queue entry for `spec` on `cluster`, checking that it could ever run there.
    public init(id: JobID, spec: JobSpec, on cluster: Cluster) throws(JobSpecError) {
        let shape = try spec.shape(maxGPUsPerNode: cluster.maxGPUsPerNode)
        var model: Int?
        if let name = spec.gpuModel {
            guard let m = GPUModel.resolve(name, in: cluster.gpuModels) else {
                throw .invalid(
                    field: "gpu_model",
                    "\(name) names no GPU model of this cluster, or several; it has \(cluster.gpuModels.map(\.name).joined(separator: ", "))"
                )
            }
            model = m
        }
        guard
            cluster.couldEverFit(
                shape, cpusPerNode: spec.cpusPerNode, memoryMiBPerNode: spec.memoryMiBPerNode, model: model)
        else {
            throw .neverFits(
                "job asks for \(shape.nodes) node(s) x \(shape.gpusPerNode) GPUs"
                    + (model.map { " of model \(cluster.gpuModels[$0].name)" } ?? "")
                    + (spec.cpusPerNode > 0 ? ", \(spec.cpusPerNode) CPUs" : "")
                    + (spec.memoryMiBPerNode > 0 ? ", \(spec.memoryMiBPerNode) MiB" : "")
                    + " per node, but the cluster (\(cluster.nodeCount) nodes, \(cluster.totalGPUs) GPUs, at most "
                    + "\(cluster.maxGPUsPerNode) per node) can never hold it")
        }
        self.init(
            id: id, shape: shape, cpusPerNode: spec.cpusPerNode, memoryMiBPerNode: spec.memoryMiBPerNode,
            priority: spec.priority.rank, submitTime: spec.submitTime, timeLimit: spec.timeLimit)
        self.model = Int16(clamping: model ?? -1)
    }
}
