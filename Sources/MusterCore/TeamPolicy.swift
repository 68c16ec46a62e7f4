/// One team of the hierarchy (`org/team`, any depth): the GPUs it is guaranteed, how many more it may borrow
/// and how much of its idle guarantee it lends.
///
/// Only leaf teams hold a guarantee and run jobs; an org's guarantee is the sum of its teams', and its
/// `borrowLimit` caps what its whole subtree borrows.
public struct TeamPolicy: Sendable, Hashable, Codable {
    /// Full path, `/`-separated (`vision/detection`); its parents are the prefixes.
    public var name: String
    /// GPUs the team always gets back, by preemption of borrowers if needed (leaf teams only).
    public var guarantee: Int
    /// GPUs the team (or, for an org, its whole subtree) may run beyond its guarantee; nil: no limit.
    public var borrowLimit: Int?
    /// GPUs of its idle guarantee it lends to others; nil: all of it.
    public var lendLimit: Int?
    /// GPUs of one model guaranteed to the team's jobs that ask for that model (`guarantee.MODEL = N`; the model
    /// as a job names it, `GPUModel.resolve`), on top of `guarantee`, which is of any model (leaf teams only).
    public var modelGuarantees: [String: Int]
    /// GPUs held back for the team's services (`headroom = N`): while its replicas use less, other work that
    /// cannot be preempted may not take them; preemptible work may, and a replica takes them back by preemption
    /// (leaf teams only).
    public var headroom: Int

    public init(
        name: String, guarantee: Int = 0, borrowLimit: Int? = nil, lendLimit: Int? = nil,
        modelGuarantees: [String: Int] = [:], headroom: Int = 0
    ) {
        self.name = name
        self.guarantee = guarantee
        self.borrowLimit = borrowLimit
        self.lendLimit = lendLimit
        self.modelGuarantees = modelGuarantees
        self.headroom = headroom
    }

    /// The path's components.
    public var path: [Substring] { name.split(separator: "/") }
}
