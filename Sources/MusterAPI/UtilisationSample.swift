/// One sample of the cluster's use, taken by the controller at a fixed interval (`GET /v1/utilisation`).
public struct UtilisationSample: Codable, Sendable, Hashable {
    /// Seconds since the Unix epoch.
    public var time: Double
    /// GPUs on nodes that are up (drained ones included), and GPUs held by running jobs.
    public var gpus: Int
    public var busyGPUs: Int
    public var nodesUp: Int
    public var runningJobs: Int
    public var pendingJobs: Int

    public init(time: Double, gpus: Int, busyGPUs: Int, nodesUp: Int, runningJobs: Int, pendingJobs: Int) {
        self.time = time
        self.gpus = gpus
        self.busyGPUs = busyGPUs
        self.nodesUp = nodesUp
        self.runningJobs = runningJobs
        self.pendingJobs = pendingJobs
    }

    enum CodingKeys: String, CodingKey {
        case time, gpus
        case busyGPUs = "busy_gpus"
        case nodesUp = "nodes_up"
        case runningJobs = "running_jobs"
        case pendingJobs = "pending_jobs"
    }
}
