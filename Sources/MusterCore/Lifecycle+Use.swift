extension Lifecycle {
    /// Each GPU model's GPUs by use (allocated, idle, spare, drained, down), from the scheduler's snapshot: what
    /// `/metrics` and the dashboard report. O(nodes).
    public func gpuUse() -> [GPUUse] {
        var byModel: [String: GPUUse] = [:]
        for (name, node) in nodes {
            let gpus = node.inventory.gpus.count
            guard gpus > 0 else { continue }
            let model = node.inventory.gpus.first?.model ?? "none"
            var use = byModel[model] ?? GPUUse(model: model)
            if node.health != .up {
                use.down += gpus
            } else if let index = nodeIndex[name], let snapshot, Int(index) < snapshot.cluster.nodeCount {
                let i = Int(index)
                let spare = snapshot.spares.map { $0.member[i] ? $0.heldMask[i].nonzeroBitCount : 0 } ?? 0
                let free = Int(snapshot.cluster.freeGPUs[i])
                let withheld = snapshot.withdrawn[index]?.gpus.nonzeroBitCount ?? 0
                if node.drainReason != nil { use.drained += withheld } else { use.idle += free }
                use.spare += spare
                use.allocated += max(0, gpus - free - spare - withheld)
            } else {
                // Registered since the last rebuild: nothing runs there yet.
                if node.drainReason != nil { use.drained += gpus } else { use.idle += gpus }
            }
            byModel[model] = use
        }
        return byModel.values.sorted { $0.model < $1.model }
    }

    /// Active jobs by state, team and priority class: the queue's depth as `/metrics` reports it.
    public func queueDepth() -> [QueueDepthKey: Int] {
        var depth: [QueueDepthKey: Int] = [:]
        for id in active {
            guard let job = jobs[id] else { continue }
            depth[
                QueueDepthKey(state: job.state.rawValue, team: job.spec.team, className: job.spec.priority.name),
                default: 0] += 1
        }
        return depth
    }
}
