import Foundation
import MusterAPI
import MusterStore

/// The distributed environment and paths of a job's ranks (the torchrun / torch.distributed contract).
enum JobEnvironment {
    /// A port for rank 0's rendezvous, the same on every rank: 20000 + id mod 20000.
    static func masterPort(_ id: Int64) -> Int { 20_000 + Int(id % 20_000) }

    /// Where rank `rank`'s stdout and stderr go: the user's `--output` (with `%j`, `%t`, `%x`, `%N`, relative to
    /// the workdir) or `<data>/logs/<job>/rank-<rank>.out`.
    static func outputPath(_ job: JobRecord, rank: Int, node: String, dataDir: String) -> String {
        guard let pattern = job.request.output else { return "\(dataDir)/logs/\(job.id)/rank-\(rank).out" }
        let expanded =
            pattern
            .replacingOccurrences(of: "%j", with: "\(job.id)")
            .replacingOccurrences(of: "%t", with: "\(rank)")
            .replacingOccurrences(of: "%x", with: job.request.name ?? "job")
            .replacingOccurrences(of: "%N", with: node)
        return expanded.hasPrefix("/") ? expanded : job.request.workdir + "/" + expanded
    }

    /// The environment of one rank.
    static func variables(
        _ job: JobRecord, rank: Int, nodeRank: Int, localRank: Int, gpus: [Int], masterAddress: String,
        dataDir: String
    ) -> [String: String] {
        var env = job.request.env ?? [:]
        let world = job.shape.nodes * job.tasksPerNode
        env["MUSTER_JOB_ID"] = "\(job.id)"
        env["MUSTER_JOB_NAME"] = job.request.name ?? "job"
        env["MUSTER_NODE_NAME"] = job.placement[nodeRank].node
        env["MUSTER_NUM_NODES"] = "\(job.shape.nodes)"
        env["MUSTER_CHECKPOINT_DIR"] = "\(dataDir)/checkpoints/\(job.id)"
        env["MUSTER_EPOCH"] = "\(job.epoch)"
        env["CUDA_VISIBLE_DEVICES"] = gpus.map(String.init).joined(separator: ",")
        env["MASTER_ADDR"] = masterAddress
        env["MASTER_PORT"] = "\(masterPort(job.id))"
        env["WORLD_SIZE"] = "\(world)"
        env["RANK"] = "\(rank)"
        env["NODE_RANK"] = "\(nodeRank)"
        env["LOCAL_RANK"] = "\(localRank)"
        env["LOCAL_WORLD_SIZE"] = "\(job.tasksPerNode)"
        return env
    }
}
