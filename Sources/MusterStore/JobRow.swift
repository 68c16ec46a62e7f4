import Foundation
import GRDB
import MusterCore

/// A job as one row of table `job`: scalar columns for what is queried, JSON for the spec, launch and attempt.
struct JobRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "job"

    var id: Int64
    var owner: String
    var state: String
    var spec: String
    var nodes: Int
    var gpus_per_node: Int
    var tasks_per_node: Int
    var launch: String?
    var idempotency_key: String?
    var submitted_at: Double
    var attempt: String?
    var end_time: Double?
    var exit_code: Int64?
    var reason: String?
    var restarts: Int
    var dependencies: String?
    var array: String?
    var max_restarts: Int?
    var preemptions: Int?
    var preemption: String?
    var no_requeue: Bool?
    var replica: String?
    // Accounting (v6): what `history` and `usage` filter and sum, kept as columns so they need no JSON.
    var team: String?
    var class_name: String?
    var gpus: Int?
    var started_at: Double?
    var gpu_seconds: Double?
    var energy_wh: Double?
    /// Whether the controller loads this row at start (v7): the job is pending or running, or its last attempt
    /// may still have processes (it holds GPUs). Ended rows stay for accounting but are not loaded.
    var live: Bool?

    init(_ job: Job) throws {
        let encoder = RowJSON.encoder
        id = job.id
        owner = job.owner
        state = job.state.rawValue
        spec = String(decoding: try encoder.encode(job.spec), as: UTF8.self)
        nodes = job.shape.nodes
        gpus_per_node = job.shape.gpusPerNode
        tasks_per_node = job.tasksPerNode
        launch = try job.launch.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        idempotency_key = job.idempotencyKey
        submitted_at = job.submittedAt
        attempt = try job.attempt.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        end_time = job.endTime
        exit_code = job.exitCode.map(Int64.init)
        reason = job.reason
        restarts = job.restarts
        dependencies =
            job.dependencies.isEmpty ? nil : String(decoding: try encoder.encode(job.dependencies), as: UTF8.self)
        array = try job.array.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        max_restarts = job.maxRestarts == 0 ? nil : job.maxRestarts
        preemptions = job.preemptions == 0 ? nil : job.preemptions
        preemption = try job.preemption.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        no_requeue = job.noRequeue ? true : nil
        replica = try job.replica.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        live = Self.isLive(job)
        team = job.spec.team
        class_name = job.spec.priority.name
        gpus = job.shape.gpus
        started_at = job.attempt?.startedAt
        if let end = job.endTime, job.state.isTerminal {
            let ran = started_at.map { max(0, end - $0) } ?? 0
            gpu_seconds = ran * Double(job.shape.gpus)
            energy_wh = job.energyJoules(until: end) / 3_600
        }
    }

    /// Whether `job` belongs in the controller's memory: not ended, or some process of it may still run.
    static func isLive(_ job: Job) -> Bool { !job.state.isTerminal || job.attempt?.hasLiveRanks == true }

    /// The accounting view of this row (`muster history`).
    func historyRecord() throws -> HistoryRecord {
        let job = try job()
        return HistoryRecord(
            id: job.id, name: job.spec.name, user: job.owner, team: job.spec.team, className: job.spec.priority.name,
            state: job.state.rawValue, submittedAt: job.submittedAt, startedAt: job.attempt?.startedAt,
            endedAt: job.endTime ?? 0, gpus: job.shape.gpus, nodes: job.attempt?.nodes ?? [],
            gpuHours: (gpu_seconds ?? 0) / 3_600, energyWh: energy_wh ?? 0, restarts: job.restarts,
            preemptions: job.preemptions, exitCode: job.exitCode, reason: job.reason)
    }

    /// The job back; throws when a column cannot be read (the caller reports the row and carries on).
    func job() throws -> Job {
        let decoder = JSONDecoder()
        guard let state = JobState(rawValue: state) else { throw StoreError("unknown state '\(state)'") }
        var job = Job(
            id: id, spec: try decoder.decode(JobSpec.self, from: Data(spec.utf8)),
            shape: GangShape(nodes: nodes, gpusPerNode: gpus_per_node), tasksPerNode: tasks_per_node, owner: owner,
            launch: try launch.map { try decoder.decode(JobLaunch.self, from: Data($0.utf8)) },
            idempotencyKey: idempotency_key, state: state, submittedAt: submitted_at)
        job.attempt = try attempt.map { try decoder.decode(Attempt.self, from: Data($0.utf8)) }
        job.endTime = end_time
        job.exitCode = exit_code.map { Int32(truncatingIfNeeded: $0) }
        job.reason = reason
        job.restarts = restarts
        job.dependencies = try dependencies.map { try decoder.decode([JobDependency].self, from: Data($0.utf8)) } ?? []
        job.array = try array.map { try decoder.decode(ArrayTask.self, from: Data($0.utf8)) }
        job.maxRestarts = max_restarts ?? 0
        job.preemptions = preemptions ?? 0
        job.preemption = try preemption.map { try decoder.decode(PreemptionRecord.self, from: Data($0.utf8)) }
        job.noRequeue = no_requeue ?? false
        job.replica = try replica.map { try decoder.decode(ReplicaRef.self, from: Data($0.utf8)) }
        return job
    }
}

/// A node as one row of table `node`.
struct NodeRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "node"

    var name: String
    var inventory: String
    var health: String
    var last_heard: Double
    var drain_reason: String?

    init(_ node: Node) throws {
        name = node.name
        inventory = String(decoding: try RowJSON.encoder.encode(node.inventory), as: UTF8.self)
        health = node.health.rawValue
        last_heard = node.lastHeard
        drain_reason = node.drainReason
    }

    func node() throws -> Node {
        guard let health = NodeHealth(rawValue: health) else { throw StoreError("unknown health '\(health)'") }
        return Node(
            inventory: try JSONDecoder().decode(NodeInventory.self, from: Data(inventory.utf8)), health: health,
            lastHeard: last_heard, drainReason: drain_reason)
    }
}

/// A service as one row of table `service`: its whole record as JSON.
struct ServiceRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "service"

    var name: String
    var owner: String
    var record: String

    init(_ service: Service) throws {
        name = service.spec.name
        owner = service.owner
        record = String(decoding: try RowJSON.encoder.encode(service), as: UTF8.self)
    }

    func service() throws -> Service { try JSONDecoder().decode(Service.self, from: Data(record.utf8)) }
}

/// A token as one row of table `token`.
struct TokenRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "token"

    var hash: String
    var user: String
    var role: String
    var created_at: Double
    var revoked: Bool

    init(_ token: TokenRecord) {
        hash = token.hash
        user = token.user
        role = token.role.rawValue
        created_at = token.createdAt
        revoked = token.revoked
    }
}

/// The JSON settings of the store's JSON columns.
enum RowJSON {
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}
