import Foundation
import GRDB
import MusterCore

/// Carries the jobs and nodes of schema `v1` (rows holding the wire request as JSON) into `v2` rows, reading the
/// old JSON by hand so the store needs no wire types. A row that cannot be read becomes a failed job with the
/// reason; the migration itself never fails on a row.
enum LegacyJobRows {
    static func migrate(_ db: Database) throws {
        for row in try Row.fetchAll(db, sql: "SELECT * FROM jobs ORDER BY id") {
            let id: Int64 = row["id"]
            let request = object(row["request"] as String?)
            let int = { (key: String) -> Int? in (request[key] as? NSNumber)?.intValue }
            let state = JobState(rawValue: row["state"] as String? ?? "") ?? .failed
            let spec = JobSpec(
                name: request["name"] as? String ?? "job", gpus: int("gpus") ?? 0, nodes: int("nodes"),
                gpusPerNode: int("gpus_per_node"), cpusPerNode: int("cpus_per_node") ?? 0,
                memoryMiBPerNode: int("memory_mib_per_node") ?? 0,
                timeLimit: (request["time_limit"] as? NSNumber)?.int64Value ?? 3600,
                team: request["team"] as? String ?? "default",
                priority: PriorityClass.named(request["priority"] as? String ?? "normal") ?? .normal,
                submitTime: Int64(clamping: Int((row["submit_time"] as Double? ?? 0).rounded(.down))))
            let launch = JobLaunch(
                command: request["command"] as? [String] ?? [], script: request["script"] as? String,
                workdir: request["workdir"] as? String ?? "/", env: request["env"] as? [String: String] ?? [:],
                output: request["output"] as? String)
            let shape = GangShape(nodes: row["nodes"] as Int? ?? 1, gpusPerNode: row["gpus_per_node"] as Int? ?? 0)
            var job = Job(
                id: id, spec: spec, shape: shape, tasksPerNode: max(1, int("tasks_per_node") ?? 1), owner: "",
                launch: launch, state: state, submittedAt: row["submit_time"] as Double? ?? 0)
            let placement =
                (try? JSONSerialization.jsonObject(with: Data((row["placement"] as String? ?? "[]").utf8)))
                as? [[String: Any]] ?? []
            let epoch: Int = row["epoch"] as Int? ?? 0
            if epoch > 0, !placement.isEmpty {
                var attempt = Attempt(
                    epoch: epoch, nodes: placement.map { $0["node"] as? String ?? "" },
                    gpus: placement.map { $0["gpus"] as? [Int] ?? [] }, tasksPerNode: job.tasksPerNode,
                    scheduledAt: row["scheduled_time"] as Double? ?? job.submittedAt,
                    masterPort: 20_000 + Int(id % 10_000))
                attempt.startedAt = row["start_time"]
                let ranks =
                    (try? JSONSerialization.jsonObject(with: Data((row["ranks"] as String? ?? "[]").utf8)))
                    as? [[String: Any]] ?? []
                for (r, rank) in ranks.enumerated() where r < attempt.ranks.count {
                    attempt.ranks[r].started = rank["started"] as? Bool ?? false
                    attempt.ranks[r].exitCode = (rank["exit_code"] as? NSNumber).map {
                        Int32(truncatingIfNeeded: $0.int64Value)
                    }
                }
                job.attempt = attempt
            }
            job.endTime = row["end_time"]
            job.exitCode = (row["exit_code"] as Int64?).map { Int32(truncatingIfNeeded: $0) }
            job.reason = row["reason"]
            if request.isEmpty && !state.isTerminal {
                job.restore(state: .failed)
                job.reason = "its stored request could not be read when the store was upgraded"
            }
            // Written with v2's columns: this runs inside migration v2, before v3 adds its columns.
            try insert(
                try JobRow(job).databaseDictionary, into: "job",
                dropping: [
                    "dependencies", "array", "max_restarts", "preemptions", "preemption", "no_requeue", "replica",
                    "team", "class_name", "gpus", "started_at", "gpu_seconds", "energy_wh", "live",
                ],
                db)
        }
        for row in try Row.fetchAll(db, sql: "SELECT * FROM nodes ORDER BY name") {
            let inv = object(row["inventory"] as String?)
            let gpus = (inv["gpus"] as? [[String: Any]] ?? []).map {
                GPUDevice(
                    index: ($0["index"] as? NSNumber)?.intValue ?? 0, model: $0["model"] as? String ?? "none",
                    memoryMiB: ($0["memory_mib"] as? NSNumber)?.intValue ?? 0)
            }
            let inventory = NodeInventory(
                name: row["name"], gpus: gpus, cpus: (inv["cpus"] as? NSNumber)?.intValue ?? 0,
                memoryMiB: (inv["memory_mib"] as? NSNumber)?.intValue ?? 0, leaf: inv["leaf"] as? String ?? "",
                spine: inv["spine"] as? String ?? "", address: inv["address"] as? String ?? "127.0.0.1")
            let up: Bool = row["up"] as Bool? ?? false
            try insert(
                try NodeRow(Node(inventory: inventory, health: up ? .up : .down, lastHeard: row["last_heartbeat"] ?? 0))
                    .databaseDictionary, into: "node", dropping: ["drain_reason"], db)
        }
    }

    /// Inserts a row without the columns later migrations add (`dropped`): v2's tables do not have them yet.
    private static func insert(
        _ row: [String: DatabaseValue], into table: String, dropping dropped: [String], _ db: Database
    ) throws {
        var values = row
        for column in dropped { values.removeValue(forKey: column) }
        let columns = values.keys.sorted()
        try db.execute(
            sql: "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
                + "(\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))",
            arguments: StatementArguments(columns.map { values[$0]! }))
    }

    private static func object(_ json: String?) -> [String: Any] {
        guard let json, let value = try? JSONSerialization.jsonObject(with: Data(json.utf8)) else { return [:] }
        return value as? [String: Any] ?? [:]
    }
}
