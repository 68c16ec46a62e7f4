import MusterAPI
import MusterStore

extension JobRecord {
    /// The API's view of the job.
    var info: JobInfo {
        JobInfo(
            id: id, name: request.name ?? "job", state: state.rawValue, team: request.team ?? "default",
            priority: request.priority ?? "normal", gpus: request.gpus, nodes: shape.nodes,
            gpusPerNode: shape.gpusPerNode, tasksPerNode: tasksPerNode, timeLimit: request.timeLimit ?? 0,
            command: request.command, isScript: request.script != nil, workdir: request.workdir,
            output: request.output, placement: placement, submitTime: submitTime, scheduledTime: scheduledTime,
            startTime: startTime, endTime: endTime, exitCode: exitCode, reason: reason, epoch: epoch)
    }
}
