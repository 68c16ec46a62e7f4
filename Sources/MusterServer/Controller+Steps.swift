import MusterAPI
import MusterCore

extension Controller {
    /// Who asks for a step operation on job `id`, and the attempt they are bound to: a step token (srun inside
    /// the job) acts as the job's owner for that job's attempt only; a user or admin token acts as itself (an
    /// owner may launch steps in their own running job from outside it, as `srun --jobid`).
    func stepPrincipal(bearer token: String?, job id: JobID) throws(ControllerError) -> (Principal, epoch: Int?) {
        guard let token, Self.isStepToken(token) else { return (try principal(bearer: token), nil) }
        guard let (job, epoch) = stepTokens.verify(token) else {
            throw .unauthorized("not a valid step token; srun takes it from $MUSTER_STEP_TOKEN inside a job")
        }
        guard job == id else {
            throw .forbidden("this step token belongs to job \(job); it launches and reads steps of that job only")
        }
        guard let owner = lifecycle.jobs[id]?.owner else { throw .notFound("no job \(id)") }
        return (Principal(user: owner, admin: false), epoch)
    }

    /// Whether `token` is a step token (srun's, `ms_…`) rather than a user's.
    static func isStepToken(_ token: String?) -> Bool { token?.hasPrefix("ms_") ?? false }

    /// srun: launches a step of running job `id`; answers once it is durable and its tasks are on their way.
    public func launchStep(_ id: JobID, _ request: StepLaunchRequest, bearer token: String?)
        async throws(ControllerError) -> StepInfo
    {
        try available()
        let (principal, epoch) = try stepPrincipal(bearer: token, job: id)
        let step = try StepValidation.request(request)
        let launched: (step: Int, directives: [Directive])
        do {
            launched = try lifecycle.launchStep(id, epoch: epoch, step, by: principal, now: clock.now())
        } catch {
            throw ControllerError(error)
        }
        try await apply(launched.directives)
        return try await stepInfo(id, launched.step, bearer: token)
    }

    /// One step of job `id`'s current attempt.
    public func stepInfo(_ id: JobID, _ stepID: Int, bearer token: String?) async throws(ControllerError) -> StepInfo {
        try await stepAndEpoch(id, stepID, bearer: token).info
    }

    /// Step `stepID` of job `id` and the attempt it belongs to: from memory, or from the store once the job
    /// ended and was forgotten (for a user's token; a step token dies with its attempt).
    func stepAndEpoch(_ id: JobID, _ stepID: Int, bearer token: String?) async throws(ControllerError) -> (
        info: StepInfo, epoch: Int
    ) {
        if !Self.isStepToken(token), lifecycle.jobs[id] == nil {
            let job = try await storedJob(id, for: try principal(bearer: token))
            do {
                return (StepInfo(try job.step(stepID), job: id), job.epoch)
            } catch {
                throw ControllerError(error)
            }
        }
        let (principal, epoch) = try stepPrincipal(bearer: token, job: id)
        if let epoch, lifecycle.jobs[id]?.epoch != epoch {
            throw .forbidden("this step token is for attempt \(epoch) of job \(id), which has ended")
        }
        do {
            return (StepInfo(try lifecycle.step(id, stepID, for: principal), job: id), lifecycle.jobs[id]?.epoch ?? 0)
        } catch {
            throw ControllerError(error)
        }
    }

    /// Where the controller keeps the output of task `rank` of step `stepID`, and whether the step is over.
    public func stepLogTarget(_ id: JobID, step stepID: Int, rank: Int, bearer token: String?)
        async throws(ControllerError) -> (path: String, done: Bool)
    {
        let (info, epoch) = try await stepAndEpoch(id, stepID, bearer: token)
        guard rank >= 0 && rank < info.tasks.count else {
            throw .invalid("rank", "step \(stepID) of job \(id) has tasks 0 to \(info.tasks.count - 1), got \(rank)")
        }
        return (
            JobViews.stepLogPath(job: id, epoch: epoch, step: stepID, task: rank, dataDir: config.dataDir),
            info.exitCode != nil
        )
    }
}
