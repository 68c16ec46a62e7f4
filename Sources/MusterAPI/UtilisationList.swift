/// `GET /v1/utilisation`: the controller's recent samples, oldest first, and how far apart they are taken.
public struct UtilisationList: Codable, Sendable, Hashable {
    /// Seconds between two samples.
    public var interval: Double
    public var samples: [UtilisationSample]

    public init(interval: Double, samples: [UtilisationSample]) {
        self.interval = interval
        self.samples = samples
    }
}
