import Foundation

/// A request type that names its JSON fields, so a body with a field it does not know (a typo such as
/// `time_limt`) is refused instead of silently ignored. Each field maps to the type of its nested object (or of
/// the objects in its array), or nil for a scalar or a free-form map.
public protocol WireFields {
    static var wireFields: [String: (any WireFields.Type)?] { get }
}

/// Finds the first field of a JSON body that its type does not declare.
public enum WireFieldCheck {
    /// The dotted path of the first unknown field (`gpus[0].colour`), or nil if every field is known.
    public static func firstUnknown(_ data: Data, _ type: any WireFields.Type) -> String? {
        guard let value = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else {
            return nil
        }
        return check(value, type, path: "")
    }

    private static func check(_ value: Any, _ type: any WireFields.Type, path: String) -> String? {
        if let array = value as? [Any] {
            for (i, element) in array.enumerated() {
                if let bad = check(element, type, path: "\(path)[\(i)]") { return bad }
            }
            return nil
        }
        guard let object = value as? [String: Any] else { return nil }
        let fields = type.wireFields
        for key in object.keys.sorted() {
            let here = path.isEmpty ? key : "\(path).\(key)"
            guard let nested = fields[key] else { return here }
            if let nested, let bad = check(object[key]!, nested, path: here) { return bad }
        }
        return nil
    }
}

extension SubmitRequest: WireFields {
    public static var wireFields: [String: (any WireFields.Type)?] {
        var fields: [String: (any WireFields.Type)?] = Dictionary(
            uniqueKeysWithValues: [
                "name", "gpus", "nodes", "gpus_per_node", "tasks_per_node", "cpus_per_node", "memory_mib_per_node",
                "time_limit", "team", "priority", "command", "script", "workdir", "env", "output", "export", "array",
                "max_restarts", "no_requeue", "gpu_model",
            ].map { ($0, nil) })
        fields["dependencies"] = DependencyInfo.self
        return fields
    }
}

extension DependencyInfo: WireFields {
    public static var wireFields: [String: (any WireFields.Type)?] { ["type": nil, "job_id": nil] }
}

extension TokenRequest: WireFields {
    public static var wireFields: [String: (any WireFields.Type)?] { ["user": nil, "role": nil] }
}

extension RegisterAgentRequest: WireFields {
    public static var wireFields: [String: (any WireFields.Type)?] {
        [
            "name": nil, "gpus": GPUInfo.self, "cpus": nil, "memory_mib": nil, "leaf": nil, "spine": nil,
            "address": nil, "instance": nil,
        ]
    }
}

extension GPUInfo: WireFields {
    public static var wireFields: [String: (any WireFields.Type)?] {
        ["index": nil, "model": nil, "memory_mib": nil, "uuid": nil]
    }
}

extension TaskKey: WireFields {
    public static var wireFields: [String: (any WireFields.Type)?] {
        ["job_id": nil, "epoch": nil, "rank": nil, "step": nil]
    }
}

extension TaskReport: WireFields {
    public static var wireFields: [String: (any WireFields.Type)?] {
        ["task": TaskKey.self, "event": nil, "time": nil, "exit_code": nil, "reason": nil]
    }
}

extension Heartbeat: WireFields {
    public static var wireFields: [String: (any WireFields.Type)?] {
        [
            "name": nil, "instance": nil, "running": TaskKey.self, "reports": TaskReport.self, "health_failure": nil,
            "checkpoints": CheckpointReport.self, "time": nil,
        ]
    }
}

extension CheckpointReport: WireFields {
    public static var wireFields: [String: (any WireFields.Type)?] { ["task": TaskKey.self, "time": nil] }
}

extension ReportBatch: WireFields {
    public static var wireFields: [String: (any WireFields.Type)?] { ["reports": TaskReport.self] }
}

extension LogUpload: WireFields {
    public static var wireFields: [String: (any WireFields.Type)?] {
        ["task": TaskKey.self, "offset": nil, "data": nil]
    }
}

extension RelayHeartbeats: WireFields {
    public static var wireFields: [String: (any WireFields.Type)?] { ["beats": Heartbeat.self] }
}

extension NodeReports: WireFields {
    public static var wireFields: [String: (any WireFields.Type)?] { ["node": nil, "reports": TaskReport.self] }
}

extension RelayReports: WireFields {
    public static var wireFields: [String: (any WireFields.Type)?] { ["nodes": NodeReports.self] }
}

extension RelayPollNode: WireFields {
    public static var wireFields: [String: (any WireFields.Type)?] {
        ["node": nil, "after": nil, "instance": nil, "known": nil, "known_instance": nil]
    }
}

extension RelayPoll: WireFields {
    public static var wireFields: [String: (any WireFields.Type)?] { ["nodes": RelayPollNode.self, "wait_ms": nil] }
}
