import MusterCore

/// A disjoint share of the cluster's nodes with its own queue, as a Slurm partition or a Philly virtual cluster
/// (VC): jobs that name it run only on its nodes, and it is scheduled on its own (a job waiting in one partition
/// never holds up another).
public struct ClusterPartition: Sendable {
    /// What jobs call it (`TraceJob.partition`), e.g. a VC hash.
    public var name: String
    public var cluster: Cluster

    public init(name: String, cluster: Cluster) {
        self.name = name
        self.cluster = cluster
    }
}
