/// How inference replicas and training share GPUs in `muster bench inference`.
public enum InferenceMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// Today's practice: an inference pool sized for the replicas' peak and a separate training pool, each its
    /// own partition; nothing is preempted.
    case dedicated
    /// One cluster, no teams: the serving class (`inference`, non-preemptible) preempts preemptible training
    /// (`research`) whenever a replica finds no free GPU.
    case shared
    /// One cluster, two teams: inference is guaranteed its peak, training the rest; idle inference GPUs are lent
    /// to training and taken back by preemption.
    case loaning
    /// One cluster, two teams: training is guaranteed all of it, inference holds `headroom` GPUs
    /// (`TeamPolicy.headroom`): a replica within it preempts training, one beyond it waits for a free GPU.
    case headroom

    /// The name in the report's table.
    public var title: String {
        switch self {
        case .dedicated: "dedicated pools (today)"
        case .shared: "shared, serving preempts"
        case .loaning: "loaning (inference guaranteed peak)"
        case .headroom: "reserved headroom"
        }
    }
}
