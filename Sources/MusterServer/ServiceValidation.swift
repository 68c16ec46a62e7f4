import MusterAPI
import MusterCore

/// Checks a service request against its documented ranges and turns it into a `ServiceSpec`; errors name the
/// wire field. The replica is checked as a job request, and may not carry what a service manages itself.
enum ServiceValidation {
    static func spec(_ request: ServiceRequest, defaultTimeLimit: Int64, now: Double) throws(ControllerError)
        -> ServiceSpec
    {
        let replica = request.replica
        if replica.array != nil { throw .invalid("replica.array", "a service's replicas are not an array") }
        if replica.dependencies?.isEmpty == false {
            throw .invalid("replica.dependencies", "a service does not wait on jobs")
        }
        if replica.maxRestarts != nil || replica.noRequeue != nil {
            throw .invalid("replica.max_restarts", "a service restarts its replicas itself")
        }
        var (job, launch, tasks) = try SubmitValidation.spec(
            replica, defaultTimeLimit: replica.timeLimit == nil ? JobSpec.Limits.maxTimeLimit : defaultTimeLimit,
            now: now)
        if replica.priority == nil { job.priority = PriorityClass(name: "serving", rank: PriorityClass.critical.rank) }
        let limit = AutoscalePolicy.maxReplicas
        for (field, value) in [
            ("replicas", request.replicas), ("min_replicas", request.minReplicas),
            ("max_replicas", request.maxReplicas),
        ] {
            if let value, !(0...limit).contains(value) {
                throw .invalid(field, "must be 0 to \(limit), got \(value)")
            }
        }
        if request.replicas != nil && (request.minReplicas != nil || request.maxReplicas != nil) {
            throw .invalid("replicas", "give either replicas or min_replicas/max_replicas")
        }
        if let target = request.targetInflight, !(target.isFinite && target >= 0.1 && target <= 10_000) {
            throw .invalid("target_inflight", "must be 0.1 to 10000")
        }
        let autoscale: AutoscalePolicy
        if let min = request.minReplicas ?? request.maxReplicas.map({ _ in 1 }), request.replicas == nil {
            let max = request.maxReplicas ?? min
            guard min <= max, max >= 1 else {
                throw .invalid("min_replicas", "must not exceed max_replicas, and max_replicas must be at least 1")
            }
            autoscale = AutoscalePolicy(
                minReplicas: min, maxReplicas: max, targetInflight: request.targetInflight ?? 4)
        } else {
            autoscale = .fixed(request.replicas ?? 1)
        }
        let spec = ServiceSpec(
            name: request.name, replica: job, tasksPerNode: tasks, launch: launch, autoscale: autoscale,
            maxInflight: request.maxInflight ?? 16, maxQueue: request.maxQueue ?? 256,
            readyPath: request.readyPath ?? "/readyz", healthPath: request.healthPath ?? "/healthz",
            startupDeadline: request.startupDeadline ?? 600)
        do {
            try spec.validate()
        } catch {
            throw ControllerError(error)
        }
        return spec
    }
}
