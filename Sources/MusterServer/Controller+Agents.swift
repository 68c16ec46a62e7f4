import Foundation
import MusterAPI
import MusterCore

#if canImport(Glibc)
    import Glibc
#endif

extension Controller {
    /// Registers (or re-registers) a node and hands its agent a fresh agent token.
    public func register(_ request: RegisterAgentRequest) async throws(ControllerError) -> RegisterAgentResponse {
        try available()
        let inventory = NodeInventory(
            name: request.name,
            gpus: request.gpus.map { GPUDevice(index: $0.index, model: $0.model, memoryMiB: $0.memoryMib) },
            cpus: request.cpus, memoryMiB: request.memoryMib, leaf: request.leaf, spine: request.spine,
            address: request.address)
        let directives: [Directive]
        do {
            directives = try lifecycle.register(inventory, now: clock.now())
        } catch {
            throw ControllerError(error)
        }
        try await apply(directives)
        let token = tokens.issueNodeToken(request.name)
        logger.info(
            "agent registered",
            metadata: ["node": "\(request.name)", "gpus": "\(request.gpus.count)", "address": "\(request.address)"])
        return RegisterAgentResponse(
            heartbeatInterval: config.heartbeatInterval(nodes: lifecycle.nodes.count), controllerInstance: instance,
            agentToken: token)
    }

    /// A heartbeat: applies the carried reports, then lets the lifecycle reconcile what the agent runs; answers
    /// with the stray tasks to stop.
    public func heartbeat(_ name: String, _ beat: Heartbeat) async throws(ControllerError) -> HeartbeatResponse {
        try available()
        guard lifecycle.nodes[name] != nil else { return HeartbeatResponse(kill: [], reregister: true) }
        let now = clock.now()
        if let taken = beat.time, taken.isFinite { metrics.heartbeatLag.recordSeconds(max(0, min(now - taken, 3_600))) }
        var directives = reportDirectives(name, beat.reports, now: now)
        for checkpoint in beat.checkpoints ?? [] {
            let task = checkpoint.task
            directives += lifecycle.checkpointed(
                TaskRef(job: task.jobID, epoch: task.epoch, rank: task.rank, step: task.step), on: name,
                at: checkpoint.time, now: now)
        }
        do {
            directives += try lifecycle.heartbeat(
                node: name,
                running: beat.running.map { TaskRef(job: $0.jobID, epoch: $0.epoch, rank: $0.rank, step: $0.step) },
                healthFailure: beat.healthFailure, takenAt: beat.time.flatMap { $0.isFinite ? $0 : nil }, now: now)
        } catch {
            throw ControllerError(error)
        }
        try await apply(directives)
        var kills: [TaskKill] = []
        var seen: Set<TaskRef> = []
        for case .fence(_, let task, let reason) in directives
        where seen.insert(TaskRef(job: task.job, epoch: task.epoch, rank: 0)).inserted {
            kills.append(TaskKill(jobID: task.job, epoch: task.epoch, reason: reason, grace: config.killGrace))
        }
        return HeartbeatResponse(kill: kills, interval: config.heartbeatInterval(nodes: lifecycle.nodes.count))
    }

    /// Applies started/exited reports from a node.
    public func reports(_ name: String, _ batch: ReportBatch) async throws(ControllerError) {
        try available()
        guard lifecycle.nodes[name] != nil else {
            throw .notFound("node \(name) is not registered; register first")
        }
        try await apply(reportDirectives(name, batch.reports, now: clock.now()))
    }

    func reportDirectives(_ name: String, _ reports: [TaskReport], now: Double) -> [Directive] {
        var directives: [Directive] = []
        for report in reports {
            let key = report.task
            let task = TaskRef(job: key.jobID, epoch: key.epoch, rank: key.rank, step: key.step)
            switch report.event {
            case .started:
                directives += lifecycle.taskStarted(task, on: name, at: report.time, now: now)
            case .exited:
                directives += lifecycle.taskExited(
                    task, on: name, exitCode: report.exitCode ?? -1, reason: report.reason, at: report.time, now: now)
            }
        }
        return directives
    }

    /// The node's long-poll: returns at once if something is queued after `after`, else waits up to `wait`.
    public func poll(_ name: String, after: Int64, instance polled: String?, wait: Double) async throws(ControllerError)
        -> AssignmentBatch
    {
        guard lifecycle.nodes[name] != nil else {
            throw .notFound("node \(name) is not registered; register first")
        }
        var box = mailboxes[name] ?? Mailbox()
        box.acknowledge(upTo: polled == instance ? after : 0)
        box.relay = nil
        if let old = box.waiter {
            box.waiter = nil
            old.continuation.resume(returning: box.batch(instance: instance))
        }
        mailboxes[name] = box
        if !box.outbox.isEmpty || wait <= 0 || shuttingDown { return box.batch(instance: instance) }
        nextWaiterID += 1
        let id = nextWaiterID
        let timer = Task { [weak self] in
            try? await Task.sleep(for: .seconds(wait))
            guard !Task.isCancelled else { return }
            await self?.expireWaiter(name, id: id)
        }
        let batch = await withCheckedContinuation { mailboxes[name, default: Mailbox()].waiter = (id, $0) }
        timer.cancel()
        return batch
    }

    private func expireWaiter(_ name: String, id: Int) {
        guard let waiter = mailboxes[name]?.waiter, waiter.id == id else { return }
        mailboxes[name]!.waiter = nil
        waiter.continuation.resume(returning: mailboxes[name]!.batch(instance: instance))
    }

    /// Stores a piece of a rank's output that its agent uploaded, at its offset, in the controller's log copy.
    /// Only the node that runs (or ran) the rank may upload it.
    public func uploadLog(_ name: String, _ upload: LogUpload) throws(ControllerError) {
        let task = upload.task
        guard let job = lifecycle.jobs[task.jobID], let attempt = job.attempt, attempt.epoch == task.epoch,
            task.step != nil
                ? lifecycle.ownsStepTask(
                    job, TaskRef(job: task.jobID, epoch: task.epoch, rank: task.rank, step: task.step), name)
                : task.rank >= 0 && task.rank < attempt.ranks.count && attempt.node(ofRank: task.rank) == name
        else {
            throw .notFound("\(upload.task) does not run on node \(name)")
        }
        guard upload.offset >= 0, upload.offset <= 1 << 40 else {
            throw .invalid("offset", "must be 0 to 2^40, got \(upload.offset)")
        }
        guard let bytes = Data(base64Encoded: upload.data), bytes.count <= LogUpload.maxBytes else {
            throw .invalid("data", "must be base64 of at most \(LogUpload.maxBytes) bytes")
        }
        let path =
            task.step.map {
                JobViews.stepLogPath(job: job.id, epoch: task.epoch, step: $0, task: task.rank, dataDir: config.dataDir)
            } ?? JobViews.logPath(job: job.id, rank: task.rank, dataDir: config.dataDir)
        let directory = (path as NSString).deletingLastPathComponent
        if mkdir(directory, 0o700) != 0 && errno != EEXIST {
            throw .internal("cannot create \(directory): \(String(cString: strerror(errno)))")
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw .internal("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let written = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, off_t(upload.offset)) }
        guard written == bytes.count else {
            throw .internal("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }
}
