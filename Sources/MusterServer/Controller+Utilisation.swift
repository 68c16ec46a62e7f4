import MusterAPI
import MusterCore

extension Controller {
    /// Takes one utilisation sample now and keeps it in the ring. The server calls it every
    /// `config.utilisationInterval` seconds.
    /// - Complexity: O(nodes + active jobs).
    public func sampleUtilisation() {
        var gpus = 0
        var nodesUp = 0
        for node in lifecycle.nodes.values where node.health == .up {
            nodesUp += 1
            gpus += node.inventory.gpus.count
        }
        var busy = 0
        for id in lifecycle.holding {
            busy += lifecycle.jobs[id]?.attempt?.gpus.reduce(0) { $0 + $1.count } ?? 0
        }
        var running = 0
        var pending = 0
        for id in lifecycle.active {
            switch lifecycle.jobs[id]?.state {
            case .running: running += 1
            case .pending: pending += 1
            default: break
            }
        }
        utilisation.append(
            UtilisationSample(
                time: clock.now(), gpus: gpus, busyGPUs: busy, nodesUp: nodesUp, runningJobs: running,
                pendingJobs: pending))
    }

    /// The samples kept, oldest first (`GET /v1/utilisation`).
    public func utilisationList() -> UtilisationList {
        UtilisationList(interval: config.utilisationInterval, samples: utilisation.samples)
    }
}
