import Foundation
import MusterAPI
import MusterCore
import MusterStore

extension Controller {
    /// Registers (or re-registers) a node: stores its inventory and marks it up.
    public func register(_ request: RegisterAgentRequest) throws(ControllerError) -> RegisterAgentResponse {
        guard !request.name.isEmpty, !request.name.contains("/") else {
            throw .invalid("name", "a node name must be non-empty and contain no '/', got '\(request.name)'")
        }
        guard request.gpus.count <= 64 else {
            throw .invalid("gpus", "a node may have at most 64 GPUs, got \(request.gpus.count)")
        }
        if Set(request.gpus.map(\.index)).count != request.gpus.count {
            throw .invalid("gpus", "GPU indices must be distinct")
        }
        let now = Date().timeIntervalSince1970
        let record = NodeRecord(name: request.name, inventory: request, up: true, lastHeartbeat: now)
        let old = nodes[request.name]
        try commit([], nodes: [record])
        if var entry = old {
            if entry.record.inventory != request || !entry.record.up { nodesChanged = true }
            entry.record = record
            nodes[request.name] = entry
        } else {
            nodes[request.name] = NodeEntry(record: record)
            nodesChanged = true
        }
        if nodesChanged { capacity = Self.buildCluster(nodes.values.map(\.record.inventory)) }
        logger.info(
            "agent registered",
            metadata: ["node": "\(request.name)", "gpus": "\(request.gpus.count)", "address": "\(request.address)"])
        wake()
        return RegisterAgentResponse(heartbeatInterval: config.heartbeatInterval, controllerInstance: instance)
    }

    /// A heartbeat: applies the carried reports, then reconciles what the agent runs with what should run there.
    public func heartbeat(_ name: String, _ beat: Heartbeat) throws(ControllerError) -> HeartbeatResponse {
        guard nodes[name] != nil else { return HeartbeatResponse(kill: [], reregister: true) }
        try markAlive(name)
        try applyReports(name, beat.reports)
        var kills: [TaskKill] = []
        let listed = Set(beat.running)
        var killed: Set<Int64> = []
        for task in beat.running where !killed.contains(task.jobID) {
            let job = jobs[task.jobID]
            let owned =
                job.map {
                    $0.state == .running && $0.epoch == task.epoch && task.rank < $0.ranks.count
                        && $0.ranks[task.rank].node == name && !$0.ranks[task.rank].exited
                } ?? false
            if !owned {
                killed.insert(task.jobID)
                kills.append(
                    TaskKill(
                        jobID: task.jobID, epoch: task.epoch,
                        reason: "the controller does not run job \(task.jobID) epoch \(task.epoch) here (fenced)",
                        grace: config.killGrace))
            }
        }
        // Ranks the agent acknowledged but no longer runs, and that did not report an exit: lost.
        var lost: [(JobID, Int)] = []
        for id in holding {
            guard let job = jobs[id], job.state == .running else { continue }
            for (rank, state) in job.ranks.enumerated()
            where state.node == name && state.started && !state.exited
                && !listed.contains(TaskKey(jobID: id, epoch: job.epoch, rank: rank))
            {
                lost.append((id, rank))
            }
        }
        if !lost.isEmpty {
            let reports = lost.map { id, rank in
                TaskReport(
                    task: TaskKey(jobID: id, epoch: jobs[id]!.epoch, rank: rank), event: .exited,
                    time: Date().timeIntervalSince1970, exitCode: -1,
                    reason: "node \(name) no longer runs rank \(rank) (agent restarted?)")
            }
            try applyReports(name, reports)
        }
        return HeartbeatResponse(kill: kills)
    }

    /// Applies started/exited reports from a node, in one transaction.
    public func reports(_ name: String, _ batch: ReportBatch) throws(ControllerError) {
        guard nodes[name] != nil else { throw .notFound("node \(name) is not registered; register first") }
        try markAlive(name)
        try applyReports(name, batch.reports)
    }

    /// The node's long-poll: returns at once if something is queued after `after`, else waits up to `wait`.
    public func poll(_ name: String, after: Int64, instance polled: String?, wait: Double) async throws(ControllerError)
        -> AssignmentBatch
    {
        guard nodes[name] != nil else { throw .notFound("node \(name) is not registered; register first") }
        try markAlive(name)
        nodes[name]!.acknowledge(upTo: polled == instance ? after : 0)
        if let old = nodes[name]!.waiter {
            nodes[name]!.waiter = nil
            old.continuation.resume(returning: nodes[name]!.batch(instance: instance))
        }
        let entry = nodes[name]!
        if !entry.outbox.isEmpty || wait <= 0 || shuttingDown { return entry.batch(instance: instance) }
        nextWaiterID += 1
        let id = nextWaiterID
        let timer = Task { [weak self] in
            try? await Task.sleep(for: .seconds(wait))
            await self?.expireWaiter(name, id: id)
        }
        let batch = await withCheckedContinuation { nodes[name]!.waiter = (id, $0) }
        timer.cancel()
        return batch
    }

    private func expireWaiter(_ name: String, id: Int) {
        guard let waiter = nodes[name]?.waiter, waiter.id == id else { return }
        nodes[name]!.waiter = nil
        waiter.continuation.resume(returning: nodes[name]!.batch(instance: instance))
    }

    /// Any request from an agent proves it alive; a node that was down comes back up.
    private func markAlive(_ name: String) throws(ControllerError) {
        let now = Date().timeIntervalSince1970
        nodes[name]!.record.lastHeartbeat = now
        if !nodes[name]!.record.up {
            var record = nodes[name]!.record
            record.up = true
            try commit([], nodes: [record])
            nodes[name]!.record = record
            nodesChanged = true
            logger.info("node back up", metadata: ["node": "\(name)"])
            wake()
        }
    }

    /// Applies reports; a failed rank fails the job and stops its other ranks; the last exit frees the GPUs.
    func applyReports(_ name: String, _ reports: [TaskReport]) throws(ControllerError) {
        guard !reports.isEmpty else { return }
        let now = Date().timeIntervalSince1970
        var changed: [JobID: JobRecord] = [:]
        var order: [JobID] = []
        var killsFor: [JobID: String] = [:]
        for report in reports {
            let id = report.task.jobID
            guard var job = changed[id] ?? jobs[id], job.epoch == report.task.epoch,
                report.task.rank >= 0, report.task.rank < job.ranks.count, job.ranks[report.task.rank].node == name
            else { continue }
            let rank = report.task.rank
            switch report.event {
            case .started:
                guard !job.ranks[rank].started else { continue }
                job.ranks[rank].started = true
                if job.startTime == nil && job.state == .running { job.startTime = now }
            case .exited:
                guard !job.ranks[rank].exited else { continue }
                let code = report.exitCode ?? -1
                job.ranks[rank].started = true
                job.ranks[rank].exitCode = code
                if job.state == .running {
                    if code != 0 {
                        job.state = job.state.applying(.fail)
                        job.exitCode = code
                        job.endTime = now
                        job.reason = report.reason ?? "rank \(rank) exited with code \(code) on node \(name)"
                        killsFor[id] = "rank \(rank) of the job failed"
                    } else if job.ranks.allSatisfy({ $0.exitCode == 0 }) {
                        job.state = job.state.applying(.succeed)
                        job.exitCode = 0
                        job.endTime = now
                    }
                }
            }
            if changed[id] == nil { order.append(id) }
            changed[id] = job
        }
        guard !order.isEmpty else { return }
        try commit(order.map { changed[$0]! })
        for id in order {
            let job = changed[id]!
            jobs[id] = job
            if job.state.isTerminal { active.remove(id) }
            if let reason = killsFor[id] { sendKills(job, reason: reason) }
            if job.state.isTerminal && !job.ranks.contains(where: { !$0.exited }) { release(id) }
        }
    }

    /// Marks nodes silent past the timeout down and fails their jobs.
    func checkHeartbeats() {
        guard !shuttingDown else { return }
        let now = Date().timeIntervalSince1970
        for name in nodes.keys.sorted() {
            let entry = nodes[name]!
            guard entry.record.up, now - entry.record.lastHeartbeat > config.heartbeatTimeout else { continue }
            var record = entry.record
            record.up = false
            var failed: [JobRecord] = []
            for id in holding.sorted() {
                guard var job = jobs[id], job.ranks.contains(where: { $0.node == name && !$0.exited }) else {
                    continue
                }
                for i in job.ranks.indices where job.ranks[i].node == name && !job.ranks[i].exited {
                    job.ranks[i].exitCode = -1
                }
                if job.state == .running {
                    job.state = job.state.applying(.fail)
                    job.exitCode = -1
                    job.endTime = now
                    job.reason =
                        "node \(name) stopped heartbeating (no word for \(Int(config.heartbeatTimeout)) s); "
                        + "marked down"
                }
                failed.append(job)
            }
            do {
                try commit(failed, nodes: [record])
            } catch {
                continue
            }
            logger.warning("node down", metadata: ["node": "\(name)", "jobs failed": "\(failed.count)"])
            nodes[name]!.record = record
            nodes[name]!.outbox.removeAll()
            nodesChanged = true
            for job in failed {
                jobs[job.id] = job
                active.remove(job.id)
                sendKills(job, reason: job.reason ?? "node \(name) down")
                if !job.ranks.contains(where: { !$0.exited }) { holding.remove(job.id) }
            }
        }
    }
}
