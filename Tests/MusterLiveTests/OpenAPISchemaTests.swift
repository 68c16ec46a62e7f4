import Foundation
import MusterAPI
import Testing

/// The OpenAPI document's schemas against the Codable types that really go over the wire: a value of every type,
/// fully populated and minimal, is encoded and checked against its schema (types, enums, bounds, required and
/// undocumented fields); every documented property is produced by the type; request schemas list exactly the
/// fields the API accepts, and what the schema requires is exactly what decoding needs.
@Suite struct OpenAPISchemaTests {
    let checker: SchemaChecker

    init() throws {
        checker = try SchemaChecker(document: Data(OpenAPIDocument.json.utf8))
    }

    static let task = TaskKey(jobID: 7, epoch: 2, rank: 1)
    static let dependency = DependencyInfo(type: "afterok", jobID: 6)
    static let report = TaskReport(task: task, event: .exited, time: 12.5, exitCode: 3, reason: "exited with 3")
    static let kill = TaskKill(jobID: 7, epoch: 2, reason: "preempted by job 9", grace: 30, preempt: true)
    static let jobInfo = JobInfo(
        id: 7, name: "train", state: "running", owner: "alice", team: "llm", priority: "high", gpus: 16, nodes: 2,
        gpusPerNode: 8, tasksPerNode: 8, timeLimit: 3600, command: ["python3", "train.py"], isScript: false,
        workdir: "/home/alice", output: "/home/alice/out-%j.log",
        placement: [PlacementEntry(node: "gpu-001", gpus: [0, 1, 2, 3, 4, 5, 6, 7])], submitTime: 1.5,
        scheduledTime: 2.5, startTime: 3.5, endTime: 4.5, exitCode: 0, reason: "done", epoch: 1, masterPort: 20_000,
        dependencies: [dependency], arrayJobID: 5, arrayTaskID: 2, restarts: 1, maxRestarts: 5,
        preemptions: 1, preemptedBy: 9, preemptedAt: 2.0, preemptionReason: "team b reclaims its guarantee",
        noRequeue: true, lastCheckpoint: 3.25, gpuModel: "H100-SXM", energyWh: 1.5, steps: [stepInfo])
    static let stepTask = TaskKey(jobID: 7, epoch: 2, rank: 3, step: 1)
    static let stepInfo = StepInfo(
        id: 1, jobID: 7, state: "failed", command: ["python3", "train.py"], nodes: ["gpu-001", "gpu-002"],
        tasks: [StepTaskInfo(node: "gpu-001", exitCode: 0), StepTaskInfo(node: "gpu-002", exitCode: 2)],
        launchTime: 5.5, endTime: 9.5, exitCode: 2)
    static let stepLaunch = StepLaunchRequest(
        command: ["hostname"], workdir: "/home/alice", env: ["PATH": "/bin"], nodes: 1, tasks: 2, tasksPerNode: 2,
        nodelist: ["gpu-001"], gpusPerTask: 1, cpusPerTask: 4)
    static let checkpoint = CheckpointReport(task: task, time: 11.5)
    static let team = {
        var team = TeamInfo(
            name: "vision/detection", guarantee: 64, borrowLimit: 32, lendLimit: 16, using: 80, borrowed: 16, lent: 0,
            fairShare: 0.5, pendingJobs: 3, isLeaf: true,
            models: [TeamModelInfo(model: "NVIDIA H100 80GB HBM3", guarantee: 32, using: 40, borrowed: 8)])
        team.headroom = 8
        team.serviceGPUs = 2
        return team
    }()
    static let nodeInfo = NodeInfo(
        name: "gpu-001", state: "up", address: "10.0.0.1", gpus: 8, freeGPUs: 4, gpuModel: "H100", cpus: 128,
        memoryMib: 2_000_000, leaf: "leaf-1", spine: "spine-0", lastHeartbeat: 99.5, runningJobs: [7, 9],
        drainReason: "ECC errors")
    static let assignment = Assignment(
        task: task, name: "train", user: "alice", argv: ["python3", "train.py"], script: "#!/bin/bash\necho hi\n",
        workdir: "/home/alice", env: ["MASTER_PORT": "20000"], export: "all", output: "/home/alice/out.log",
        timeLimit: 3600, grace: 5)
    static let submit = SubmitRequest(
        name: "train", gpus: 16, nodes: 2, gpusPerNode: 8, tasksPerNode: 8, cpusPerNode: 32, memoryMibPerNode: 1024,
        timeLimit: 3600, team: "llm", priority: "high", command: ["python3", "train.py"], script: "#!/bin/bash\n",
        workdir: "/home/alice", env: ["A": "1"], output: "/home/alice/out-%j.log", export: "none",
        dependencies: [dependency], array: "0-9%2", maxRestarts: 3, noRequeue: true, gpuModel: "h100-sxm")
    static let register = RegisterAgentRequest(
        name: "gpu-001", gpus: [GPUInfo(index: 0, model: "H100", memoryMib: 81_559, uuid: "GPU-0")], cpus: 128,
        memoryMib: 2_000_000, leaf: "leaf-1", spine: "spine-0", address: "10.0.0.1", instance: "a1")

    /// Every schema in the document, with values of its Swift type: fully populated, then minimal (optionals nil).
    var cases: [String: [any Encodable]] {
        [
            "ErrorBody": [
                ErrorBody(code: "invalid", message: "gpus must be 0 to 2097152", field: "gpus"),
                ErrorBody(code: "not_found", message: "no job 9"),
            ],
            "SubmitRequest": [
                Self.submit, SubmitRequest(gpus: 1, command: ["true"], workdir: "/"),
            ],
            "SubmitResponse": [SubmitResponse(id: 7, count: 10), SubmitResponse(id: 7)],
            "TeamInfo": [Self.team],
            "TeamModelInfo": Self.team.models!,
            "TeamList": [
                TeamList(teams: [Self.team], classes: ["inference", "research"], lending: true, preemption: true)
            ],
            "ReloadResponse": [ReloadResponse(config: "/etc/muster.toml", teams: 3, classes: ["inference"])],
            "DependencyInfo": [Self.dependency],
            "DrainRequest": [DrainRequest(reason: "bad fan", now: true), DrainRequest(reason: "bad fan")],
            "PlacementEntry": [PlacementEntry(node: "gpu-001", gpus: [0])],
            "JobInfo": [
                Self.jobInfo,
                JobInfo(
                    id: 8, name: "x", state: "pending", owner: "bob", team: "default", priority: "normal", gpus: 1,
                    nodes: 1, gpusPerNode: 1, tasksPerNode: 1, timeLimit: 60, command: ["true"], isScript: true,
                    workdir: "/", output: nil, placement: [], submitTime: 1, scheduledTime: nil, startTime: nil,
                    endTime: nil, exitCode: nil, reason: nil, epoch: 0, masterPort: nil),
            ],
            "JobList": [JobList(jobs: [Self.jobInfo], nextBefore: 6, seq: 12)],
            "JobChanges": [JobChanges(seq: 12, reset: false, jobs: [Self.jobInfo])],
            "NodeInfo": [Self.nodeInfo],
            "NodeList": [NodeList(nodes: [Self.nodeInfo], nextAfter: "gpu-001", counts: ["up": 1, "down": 2])],
            "LeafList": [
                LeafList(leaves: [
                    LeafInfo(
                        leaf: "leaf3", spine: "spine0", nodes: 32, gpus: 256, freeGPUs: 40, usedGPUs: 200, up: 30,
                        drained: 1,
                        down: 1,
                        spare: 2, busy: 25)
                ])
            ],
            "GPUInfo": [Self.register.gpus[0]],
            "RegisterAgentRequest": [Self.register],
            "RegisterAgentResponse": [
                RegisterAgentResponse(heartbeatInterval: 2, controllerInstance: "c1", agentToken: "t")
            ],
            "LogUpload": [LogUpload(task: Self.task, offset: 0, data: "aGk=")],
            "TokenRequest": [TokenRequest(user: "alice", role: "admin"), TokenRequest(user: "alice")],
            "TokenResponse": [TokenResponse(token: "t", user: "alice", role: "user")],
            "TaskKey": [Self.task, Self.stepTask],
            "StepLaunchRequest": [Self.stepLaunch, StepLaunchRequest(command: ["true"], workdir: "/")],
            "StepInfo": [
                Self.stepInfo,
                StepInfo(
                    id: 0, jobID: 7, state: "running", command: ["true"], nodes: ["gpu-001"],
                    tasks: [StepTaskInfo(node: "gpu-001", exitCode: nil)], launchTime: 1, endTime: nil, exitCode: nil),
            ],
            "StepTaskInfo": [
                StepTaskInfo(node: "gpu-001", exitCode: -1), StepTaskInfo(node: "gpu-001", exitCode: nil),
            ],
            "TaskReport": [Self.report, TaskReport(task: Self.task, event: .started, time: 1)],
            "ReportBatch": [ReportBatch(reports: [Self.report])],
            "TaskKill": [Self.kill],
            "CheckpointReport": [Self.checkpoint],
            "Heartbeat": [
                Heartbeat(
                    name: "gpu-001", instance: "a1", running: [Self.task], reports: [Self.report],
                    healthFailure: "exit 1: GPU 3 fell off the bus", checkpoints: [Self.checkpoint], time: 12.25),
                Heartbeat(name: "gpu-001", instance: "a1", running: []),
            ],
            "HeartbeatResponse": [
                HeartbeatResponse(kill: [Self.kill], reregister: true, interval: 3, error: "bad beat"),
                HeartbeatResponse(kill: []),
            ],
            "HistoryEntry": [Self.historyEntry, Self.historyMinimal],
            "HistoryList": [HistoryList(jobs: [Self.historyEntry], nextBefore: 7), HistoryList(jobs: [])],
            "UsageEntry": [
                UsageEntry(key: "llm", jobs: 3, gpuHours: 1.5, energyKWh: 0.5, guaranteeShare: 0.25),
                UsageEntry(key: "alice", jobs: 1, gpuHours: 0, energyKWh: 0),
            ],
            "UsageList": [
                UsageList(
                    by: "team", since: 1, until: 2,
                    rows: [UsageEntry(key: "llm", jobs: 3, gpuHours: 1.5, energyKWh: 0.5)]),
                UsageList(by: "user", since: nil, until: 2, rows: []),
            ],
            "RelayHeartbeats": [Self.relayBeats],
            "RelayHeartbeatsAnswer": [RelayHeartbeatsAnswer(answers: [HeartbeatResponse(kill: [Self.kill])])],
            "NodeReports": [Self.nodeReports],
            "RelayReports": [RelayReports(nodes: [Self.nodeReports])],
            "RelayUnknownNodes": [RelayUnknownNodes(unknown: ["gpu-009"])],
            "RelayPollNode": [
                Self.pollNode, RelayPollNode(node: "gpu-001", after: 0, instance: nil, known: -1, knownInstance: nil),
            ],
            "RelayPoll": [RelayPoll(nodes: [Self.pollNode], waitMs: 25_000)],
            "RelayItem": [RelayItem(seq: 4, assignment: Self.assignment), RelayItem(seq: 5, kill: Self.kill)],
            "RelayPollAnswer": [
                RelayPollAnswer(
                    controllerInstance: "c1",
                    nodes: [NodeItems(node: "gpu-001", items: [RelayItem(seq: 4, assignment: Self.assignment)])],
                    unknown: ["gpu-009"])
            ],
            "Assignment": [
                Self.assignment,
                Assignment(
                    task: Self.task, name: "x", user: "bob", argv: [], script: nil, workdir: "/", env: [:],
                    export: "none", output: nil, timeLimit: 60, grace: 5),
            ],
            "AssignmentBatch": [
                AssignmentBatch(controllerInstance: "c1", seq: 3, assignments: [Self.assignment], kill: [Self.kill])
            ],
            "LogChunk": [
                LogChunk(jobID: 7, rank: 0, offset: 0, data: "hi\n", nextOffset: 3, complete: false, path: "/x")
            ],
            "ServiceRequest": [Self.service, ServiceRequest(name: "embed", replica: Self.submit, replicas: 2)],
            "ScaleRequest": [ScaleRequest(replicas: 3)],
            "RolloutRequest": [RolloutRequest(replica: Self.submit)],
            "ReplicaInfo": [
                Self.replica,
                ReplicaInfo(index: 1, job: 9, state: "pending", ready: false, node: nil, port: nil, inflight: 0),
            ],
            "ServiceInfo": [Self.serviceInfo],
            "ServiceList": [ServiceList(services: [Self.serviceInfo])],
            "UtilisationSample": [Self.sample],
            "UtilisationList": [
                UtilisationList(interval: 10, samples: [Self.sample]), UtilisationList(interval: 1, samples: []),
            ],
        ]
    }

    static let historyEntry = HistoryEntry(
        id: 8, name: "train", user: "alice", team: "llm", className: "high", state: "failed", submitTime: 1,
        startTime: 2, endTime: 3, gpus: 8, nodes: ["gpu-001"], gpuHours: 0.5, energyWh: 12.5, restarts: 1,
        preemptions: 1, exitCode: 2, reason: "exited with 2")
    static let historyMinimal = HistoryEntry(
        id: 9, name: nil, user: "bob", team: "default", className: "normal", state: "cancelled", submitTime: 1,
        startTime: nil, endTime: 2, gpus: 1, nodes: [], gpuHours: 0, energyWh: 0, restarts: 0, preemptions: 0,
        exitCode: nil, reason: nil)
    static let relayBeats = RelayHeartbeats(beats: [Heartbeat(name: "gpu-001", instance: "a1", running: [task])])
    static let nodeReports = NodeReports(node: "gpu-001", reports: [report])
    static let pollNode = RelayPollNode(node: "gpu-001", after: 3, instance: "c1", known: 5, knownInstance: "c1")

    static let service = ServiceRequest(
        name: "embed", replica: submit, replicas: nil, minReplicas: 1, maxReplicas: 4, targetInflight: 3,
        maxInflight: 8, maxQueue: 64, readyPath: "/readyz", healthPath: "/healthz", startupDeadline: 300)
    static let replica = ReplicaInfo(
        index: 0, job: 7, state: "running", ready: true, node: "gpu-001", port: 10_000, inflight: 2)
    static let serviceInfo = {
        var info = ServiceInfo(
            name: "embed", owner: "alice", state: "running", url: "/s/embed/", desired: 2, ready: 1, minReplicas: 1,
            maxReplicas: 4, targetInflight: 3, maxInflight: 8, maxQueue: 64, inflight: 2, queued: 0,
            gpusPerReplica: 1, className: "inference", team: "default", replicas: [replica],
            events: [ServiceEventInfo(time: 1, text: "created with 1 replica(s)")])
        info.requestsLastMinute = 120
        info.latencyP50Ms = 52.5
        info.latencyP99Ms = 180
        return info
    }()
    static let sample = UtilisationSample(
        time: 1_700_000_000, gpus: 16, busyGPUs: 12, nodesUp: 2, runningJobs: 3, pendingJobs: 1)

    /// The request types, with what the API's unknown-field check accepts.
    var requests: [String: (type: any (Decodable & WireFields).Type, full: any Encodable)] {
        [
            "SubmitRequest": (SubmitRequest.self, Self.submit),
            "DependencyInfo": (DependencyInfo.self, Self.dependency),
            "DrainRequest": (DrainRequest.self, DrainRequest(reason: "bad fan", now: true)),
            "RegisterAgentRequest": (RegisterAgentRequest.self, Self.register),
            "GPUInfo": (GPUInfo.self, Self.register.gpus[0]),
            "TokenRequest": (TokenRequest.self, TokenRequest(user: "alice", role: "admin")),
            "TaskKey": (TaskKey.self, Self.stepTask),
            "StepLaunchRequest": (StepLaunchRequest.self, Self.stepLaunch),
            "TaskReport": (TaskReport.self, Self.report),
            "Heartbeat": (Heartbeat.self, Heartbeat(name: "n", instance: "a", running: [Self.task], reports: [])),
            "LogUpload": (LogUpload.self, LogUpload(task: Self.task, offset: 0, data: "aGk=")),
            "ReportBatch": (ReportBatch.self, ReportBatch(reports: [Self.report])),
            "RelayHeartbeats": (RelayHeartbeats.self, Self.relayBeats),
            "NodeReports": (NodeReports.self, Self.nodeReports),
            "RelayReports": (RelayReports.self, RelayReports(nodes: [Self.nodeReports])),
            "RelayPollNode": (RelayPollNode.self, Self.pollNode),
            "RelayPoll": (RelayPoll.self, RelayPoll(nodes: [Self.pollNode], waitMs: 0)),
            "ServiceRequest": (ServiceRequest.self, Self.service),
            "ScaleRequest": (ScaleRequest.self, ScaleRequest(replicas: 2)),
            "RolloutRequest": (RolloutRequest.self, RolloutRequest(replica: Self.submit)),
        ]
    }

    @Test func everySchemaIsCheckedAgainstAType() {
        #expect(Set(cases.keys) == Set(checker.schemas.keys))
    }

    @Test func encodedValuesMatchTheirSchemas() throws {
        for (name, values) in cases.sorted(by: { $0.key < $1.key }) {
            for value in values {
                let json = try JSONValue(encoding: value)
                let problems = checker.problems(json, .ref(name), path: name)
                #expect(problems.isEmpty, "\(name): \(problems)")
            }
        }
    }

    /// A documented property that no value of the type ever produces is a field the API does not have.
    @Test func everyDocumentedPropertyIsProducedByTheType() throws {
        for (name, values) in cases.sorted(by: { $0.key < $1.key }) {
            let documented = Set(checker.properties(of: name))
            let produced = try Set(values.flatMap { try JSONValue(encoding: $0).objectKeys })
            #expect(documented == produced, "\(name): documented \(documented.sorted()), produced \(produced.sorted())")
        }
    }

    /// Request schemas name exactly the fields the unknown-field check accepts and say they refuse others; what
    /// they require is exactly what decoding needs.
    @Test func requestSchemasMatchWhatTheAPIAccepts() throws {
        for (name, request) in requests.sorted(by: { $0.key < $1.key }) {
            #expect(
                Set(request.type.wireFields.keys) == Set(checker.properties(of: name)),
                "\(name): accepted \(request.type.wireFields.keys.sorted()), documented \(checker.properties(of: name))"
            )
            #expect(checker.schemas[name]?["additionalProperties"] as? Bool == false, "\(name) allows any field")
            guard case .object(let full) = try JSONValue(encoding: request.full) else {
                Issue.record("\(name) does not encode as an object")
                continue
            }
            let required = checker.required(of: name)
            #expect(Set(required).isSubset(of: full.keys), "\(name) requires fields its full value lacks")
            let minimal = full.filter { required.contains($0.key) }
            #expect(
                decodes(request.type, JSONValue.object(minimal)), "\(name): only the required fields do not decode")
            for key in required {
                var missing = minimal
                missing.removeValue(forKey: key)
                #expect(
                    !decodes(request.type, JSONValue.object(missing)),
                    "\(name) decodes without '\(key)', which the document says is required")
            }
        }
    }

    /// The checker itself refuses what it should: a wrong type, an undocumented field, a missing required field,
    /// a value outside an enum or a bound.
    @Test func checkerCatchesMismatches() throws {
        let bad: [(String, String)] = [
            ("TaskKey", #"{"job_id": "7", "epoch": 1, "rank": 0}"#),
            ("TaskKey", #"{"job_id": 7, "epoch": 1, "rank": 0, "colour": 1}"#),
            ("TaskKey", #"{"job_id": 7, "epoch": 1}"#),
            ("TaskReport", #"{"task": {"job_id": 7, "epoch": 1, "rank": 0}, "event": "paused", "time": 1}"#),
            ("SubmitRequest", #"{"gpus": 1, "command": [], "workdir": "/", "time_limit": 0}"#),
            ("SubmitRequest", #"{"gpus": 1.5, "command": [], "workdir": "/"}"#),
            ("SubmitRequest", #"{"gpus": 1, "command": [], "workdir": "relative"}"#),
            ("HeartbeatResponse", #"{"kill": [], "reregister": 1}"#),
            ("DependencyInfo", #"{"type": "before", "job_id": 3}"#),
        ]
        for (name, text) in bad {
            let value = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
            #expect(!checker.problems(value, .ref(name), path: name).isEmpty, "\(name) accepted \(text)")
        }
    }

    private func decodes(_ type: any Decodable.Type, _ value: JSONValue) -> Bool {
        guard let data = try? JSONEncoder().encode(value) else { return false }
        return (try? MusterJSON.decoder().decode(type, from: data)) != nil
    }
}

/// A JSON value with its kind kept exact (a boolean is not a number, an integer is not a fraction).
enum JSONValue: Codable, Equatable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(encoding value: any Encodable) throws {
        self = try JSONDecoder().decode(JSONValue.self, from: MusterJSON.encode(value))
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let i = try? c.decode(Int64.self) {
            self = .integer(i)
        } else if let d = try? c.decode(Double.self) {
            self = .number(d)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([JSONValue].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: JSONValue].self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .integer(let i): try c.encode(i)
        case .number(let d): try c.encode(d)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }

    var objectKeys: [String] {
        if case .object(let o) = self { return Array(o.keys) }
        return []
    }
}

/// Checks JSON values against the document's schemas: the subset of JSON Schema the document uses (`$ref`,
/// `type`, `properties`, `required`, `additionalProperties`, `items`, `enum`, `minimum`, `maximum`, `minLength`,
/// `maxLength`, `maxItems`, `pattern` "^/").
struct SchemaChecker {
    let schemas: [String: [String: Any]]

    enum Schema {
        case ref(String)
        case inline([String: Any])
    }

    init(document: Data) throws {
        let root = try #require(try JSONSerialization.jsonObject(with: document) as? [String: Any])
        let components = try #require(root["components"] as? [String: Any])
        schemas = try #require(components["schemas"] as? [String: [String: Any]])
    }

    func properties(of name: String) -> [String] {
        ((schemas[name]?["properties"] as? [String: Any]) ?? [:]).keys.sorted()
    }

    func required(of name: String) -> [String] {
        (schemas[name]?["required"] as? [String]) ?? []
    }

    func problems(_ value: JSONValue, _ schema: Schema, path: String) -> [String] {
        var schemaObject: [String: Any]
        switch schema {
        case .ref(let name):
            guard let s = schemas[name] else { return ["\(path): no schema \(name)"] }
            schemaObject = s
        case .inline(let s):
            schemaObject = s
        }
        if let ref = schemaObject["$ref"] as? String {
            return problems(value, .ref(String(ref.split(separator: "/").last ?? "")), path: path)
        }
        var out: [String] = []
        if let options = schemaObject["enum"] as? [String] {
            guard case .string(let s) = value, options.contains(s) else {
                return ["\(path): \(value) is not one of \(options)"]
            }
        }
        switch (schemaObject["type"] as? String, value) {
        case ("object", .object(let object)):
            let props = schemaObject["properties"] as? [String: [String: Any]]
            for key in (schemaObject["required"] as? [String]) ?? [] where object[key] == nil {
                out.append("\(path): required '\(key)' missing")
            }
            for (key, field) in object.sorted(by: { $0.key < $1.key }) {
                if let props {
                    guard let sub = props[key] else {
                        out.append("\(path): '\(key)' is not documented")
                        continue
                    }
                    out += problems(field, .inline(sub), path: "\(path).\(key)")
                } else if let sub = schemaObject["additionalProperties"] as? [String: Any] {
                    out += problems(field, .inline(sub), path: "\(path).\(key)")
                }
            }
        case ("array", .array(let items)):
            if let max = schemaObject["maxItems"] as? Int, items.count > max { out.append("\(path): over \(max)") }
            if let sub = schemaObject["items"] as? [String: Any] {
                for (i, item) in items.enumerated() { out += problems(item, .inline(sub), path: "\(path)[\(i)]") }
            }
        case ("integer", .integer(let i)):
            out += bounds(Double(i), schemaObject, path)
        case ("number", .integer(let i)):
            out += bounds(Double(i), schemaObject, path)
        case ("number", .number(let d)):
            out += bounds(d, schemaObject, path)
        case ("string", .string(let s)):
            if let min = schemaObject["minLength"] as? Int, s.count < min { out.append("\(path): shorter than \(min)") }
            if let max = schemaObject["maxLength"] as? Int, s.count > max { out.append("\(path): longer than \(max)") }
            if schemaObject["pattern"] as? String == "^/", !s.hasPrefix("/") { out.append("\(path): must start /") }
        case ("boolean", .bool):
            break
        case (let type, _):
            out.append("\(path): \(value) is not of type \(type ?? "(none)")")
        }
        return out
    }

    private func bounds(_ x: Double, _ schema: [String: Any], _ path: String) -> [String] {
        var out: [String] = []
        if let min = (schema["minimum"] as? NSNumber)?.doubleValue, x < min { out.append("\(path): \(x) < \(min)") }
        if let max = (schema["maximum"] as? NSNumber)?.doubleValue, x > max { out.append("\(path): \(x) > \(max)") }
        return out
    }
}
