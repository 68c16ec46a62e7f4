import ArgumentParser
import Foundation
import MusterAPI

/// `muster teams`: each team's guarantee, use, borrowed and lent GPUs and fair-share factor.
struct TeamsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "teams", abstract: "List teams: guarantee, GPUs used, borrowed and lent, fair share.")

    @OptionGroup var client: ClientOptions

    func run() async throws {
        let list = try await client.withClient { try await $0.teams() }
        if client.json {
            try printJSON(list)
            return
        }
        var table = TextTable([
            "TEAM", "GUARANTEE", "BORROW-LIMIT", "LEND-LIMIT", "USING", "BORROWED", "LENT", "FAIRSHARE", "PENDING",
        ])
        for t in list.teams {
            table.add([
                t.isLeaf ? t.name : t.name + "/", "\(t.guarantee)", t.borrowLimit.map(String.init) ?? "-",
                t.lendLimit.map(String.init) ?? "-", "\(t.using)", "\(t.borrowed)", "\(t.lent)",
                String(format: "%.3f", t.fairShare), "\(t.pendingJobs)",
            ])
        }
        print(table.text)
        for t in list.teams {
            for m in t.models ?? [] {
                print("\(t.name) on \(m.model): guarantee \(m.guarantee), using \(m.using), borrowed \(m.borrowed)")
            }
            if let headroom = t.headroom {
                print(
                    "\(t.name) holds \(headroom) GPUs of headroom for its services (replicas use "
                        + "\(t.serviceGPUs ?? 0)); only preemptible work may use the rest")
            }
        }
        print(
            "classes: \(list.classes.joined(separator: " > ")); lending \(list.lending ? "on" : "off"), "
                + "preemption \(list.preemption ? "on" : "off")")
    }
}
