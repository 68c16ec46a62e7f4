/// How a service's replica count follows its load (`muster serve --min A --max B --target-inflight T`).
///
/// Defaults are faster than Ray Serve's (`upscale_delay_s` 30 s, `downscale_delay_s` 600 s) and follow
/// Knative's panic mode: a 10 s window for the steady decision, a 2 s window that scales up at once when the load
/// reaches twice what the replicas are sized for, and a scale-down of one replica at a time, each after 60 s of
/// wanting fewer.
public struct AutoscalePolicy: Sendable, Hashable, Codable {
    public var minReplicas: Int
    public var maxReplicas: Int
    /// In-flight requests each replica is sized for.
    public var targetInflight: Double
    /// Seconds of load the steady decision averages.
    public var window: Double
    /// Seconds of load the panic decision averages, and the multiple of capacity that triggers it.
    public var panicWindow: Double
    public var panicThreshold: Double
    /// Seconds fewer replicas must be wanted before one is removed (and between two removals).
    public var scaleDownDelay: Double

    /// Most replicas a service may ask for.
    public static let maxReplicas = 1_000

    public init(
        minReplicas: Int, maxReplicas: Int, targetInflight: Double = 4, window: Double = 10, panicWindow: Double = 2,
        panicThreshold: Double = 2, scaleDownDelay: Double = 60
    ) {
        self.minReplicas = min(max(0, minReplicas), Self.maxReplicas)
        self.maxReplicas = min(max(self.minReplicas, maxReplicas), Self.maxReplicas)
        self.targetInflight = targetInflight.isFinite && targetInflight > 0 ? targetInflight : 1
        self.window = window.isFinite && window > 0 ? window : 10
        self.panicWindow = panicWindow.isFinite && panicWindow > 0 ? min(panicWindow, self.window) : 2
        self.panicThreshold = panicThreshold.isFinite && panicThreshold > 1 ? panicThreshold : 2
        self.scaleDownDelay = scaleDownDelay.isFinite && scaleDownDelay >= 0 ? scaleDownDelay : 60
    }

    /// A fixed replica count (`--replicas N`): no autoscaling.
    public static func fixed(_ replicas: Int) -> AutoscalePolicy {
        AutoscalePolicy(minReplicas: replicas, maxReplicas: replicas)
    }

    /// Whether the count never changes with load.
    public var isFixed: Bool { minReplicas == maxReplicas }
}
