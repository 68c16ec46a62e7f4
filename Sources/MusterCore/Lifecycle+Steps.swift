extension Lifecycle {
    /// srun inside a running job launches a step: its tasks are laid out over the attempt's allocation
    /// (`StepRequest.layout`), recorded on the attempt, then assigned to their nodes. `epoch`, when given (a step
    /// token names one), must be the running attempt's: a token of an earlier attempt launches nothing.
    /// - Returns: the step's id and the directives (store the job, assign the step).
    public mutating func launchStep(
        _ id: JobID, epoch: Int?, _ request: StepRequest, by principal: Principal, now: Double
    ) throws(LifecycleError) -> (step: Int, directives: [Directive]) {
        let job = try self.job(id, for: principal)
        guard job.state == .running, var attempt = job.attempt else {
            throw .conflict("job \(id) is \(job.state.rawValue); steps run only inside a running job")
        }
        if let epoch, epoch != attempt.epoch {
            throw .forbidden(
                "this step token is for attempt \(epoch) of job \(id), which now runs attempt \(attempt.epoch)")
        }
        guard awaitingVictims[id] == nil else {
            throw .conflict("job \(id) has not started yet (the jobs it preempted are stopping)")
        }
        guard (attempt.steps?.count ?? 0) < StepRequest.maxSteps else {
            throw .conflict("job \(id) has launched \(StepRequest.maxSteps) steps, the most one job may")
        }
        let (nodes, tasks) = try request.layout(over: attempt)
        let stepID = attempt.steps?.count ?? 0
        let step = Step(
            id: stepID, command: request.command, workdir: request.workdir, env: request.env, nodes: nodes,
            tasks: tasks, cpusPerTask: request.cpusPerTask, launchedAt: now)
        attempt.steps = (attempt.steps ?? []) + [step]
        jobs[id]!.attempt = attempt
        return (stepID, [.storeJobs([id]), .assignStep(id, epoch: attempt.epoch, step: stepID)])
    }

    /// A step of a job `principal` may see.
    public func step(_ id: JobID, _ stepID: Int, for principal: Principal) throws(LifecycleError) -> Step {
        try self.job(id, for: principal).step(stepID)
    }

    /// Whether `task` (a step task) is one the job's current attempt runs on `node`.
    public func ownsStepTask(_ job: Job, _ task: TaskRef, _ node: String) -> Bool {
        guard let s = task.step, let attempt = job.attempt, attempt.epoch == task.epoch, let steps = attempt.steps,
            s >= 0, s < steps.count, task.rank >= 0, task.rank < steps[s].tasks.count
        else { return false }
        return steps[s].tasks[task.rank].node == node
    }

    /// An agent's report that a step task started.
    mutating func stepTaskStarted(_ task: TaskRef, on node: String, at time: Double) -> [Directive] {
        guard let job = jobs[task.job], ownsStepTask(job, task, node), let s = task.step,
            !job.attempt!.steps![s].ranks[task.rank].started
        else { return [] }
        jobs[task.job]!.attempt!.steps![s].ranks[task.rank].started = true
        if time.isFinite { jobs[task.job]!.attempt!.steps![s].ranks[task.rank].startedAt = time }
        return [.storeJobs([task.job])]
    }

    /// An agent's report that a step task exited: the step ends with its last task. A failing task does not end
    /// the job (the batch script reads srun's status); once the job has ended, the last task gives its GPUs back.
    mutating func stepTaskExited(_ task: TaskRef, on node: String, exitCode: Int32, at time: Double, now: Double)
        -> [Directive]
    {
        guard let job = jobs[task.job], ownsStepTask(job, task, node), let s = task.step,
            !job.attempt!.steps![s].ranks[task.rank].exited
        else { return [] }
        let at = Self.bounded(time, job.attempt!.steps![s].launchedAt, now)
        var directives: [Directive] = []
        stepTasksExited(task.job, s, [task.rank], exitCode: exitCode, at: at, &directives)
        return directives
    }

    /// `ranks` of step `s` of job `id`'s attempt exited with `exitCode` (-1: lost); ends the step when none is
    /// left, and gives the attempt's GPUs back when nothing of it runs any more.
    mutating func stepTasksExited(
        _ id: JobID, _ s: Int, _ ranks: [Int], exitCode: Int32, at time: Double, _ directives: inout [Directive]
    ) {
        for rank in ranks {
            jobs[id]!.attempt!.steps![s].ranks[rank] = RankState(
                started: exitCode != -1 || jobs[id]!.attempt!.steps![s].ranks[rank].started, exitCode: exitCode,
                exitedAt: time)
        }
        let step = jobs[id]!.attempt!.steps![s]
        if !step.hasLiveTasks {
            jobs[id]!.attempt!.steps![s].exitCode = Step.exitStatus(step.ranks)
            jobs[id]!.attempt!.steps![s].endedAt = step.ranks.compactMap(\.exitedAt).max() ?? time
            jobs[id]!.attempt!.steps![s].env = nil
        }
        directives.append(.storeJobs([id]))
        releaseIfDrained(id, at: time, &directives)
    }

    /// Step tasks of job `id` on `node` that will never report (the node is down, or no longer runs them):
    /// those `lost` selects (by step and task) exit with -1.
    @discardableResult
    mutating func stepTasksLost(
        _ id: JobID, on node: String, at now: Double, _ directives: inout [Directive],
        where lost: (Int, Int) -> Bool = { _, _ in true }
    ) -> Bool {
        guard let steps = jobs[id]?.attempt?.steps else { return false }
        var any = false
        for step in steps where step.hasLiveTasks {
            let gone = step.tasks.indices.filter {
                step.tasks[$0].node == node && !step.ranks[$0].exited && lost(step.id, $0)
            }
            guard !gone.isEmpty else { continue }
            any = true
            stepTasksExited(id, step.id, gone, exitCode: -1, at: now, &directives)
        }
        return any
    }

    /// The steps of job `id`'s current attempt with tasks not yet started: re-sent after a restart.
    func stepsToResend(_ job: Job) -> [Int] {
        (job.attempt?.steps ?? []).filter { step in step.ranks.contains { !$0.started && !$0.exited } }.map(\.id)
    }
}

extension Job {
    /// Step `stepID` of this job's current (or last) attempt.
    public func step(_ stepID: Int) throws(LifecycleError) -> Step {
        guard let steps = attempt?.steps, stepID >= 0, stepID < steps.count else {
            throw .notFound("job \(id) has no step \(stepID) in its current attempt")
        }
        return steps[stepID]
    }
}
