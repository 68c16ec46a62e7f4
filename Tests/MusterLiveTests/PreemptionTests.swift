import Foundation
import MusterAPI
import Testing

/// Preemption on real processes: checkpoints reported, SIGTERM with the preempt file, a checkpoint, a requeue with
/// `MUSTER_RESTART_COUNT=1`, and a resume from the checkpoint; the config file read, refused and reloaded.
@Suite(.serialized) struct PreemptionTests {
    static let config = """
        [class.urgent]
        rank = 300
        may_preempt = true
        preemptible = false
        [class.batch]
        rank = 0
        min_runtime = 0
        grace = 10
        [team.ml]
        guarantee = 4
        """

    /// A controller with `config` in a file it reads (`--config`), and one agent of 4 GPUs.
    static func start() async throws -> (LiveCluster, String) {
        let cluster = LiveCluster(gpusPerAgent: 4, heartbeatTimeout: 5)
        let configPath = cluster.dir + "/sharing.toml"
        do {
            try config.write(toFile: configPath, atomically: true, encoding: .utf8)
            cluster.controllerExtra = ["--config", configPath]
            try await cluster.startController()
            try cluster.startAgent("node-a")
            try await cluster.waitForNodes(up: 1)
        } catch {
            cluster.stop()
            throw error
        }
        return (cluster, configPath)
    }

    @Test func aHighClassJobPreemptsALowOneWhichCheckpointsRestartsAndFinishes() async throws {
        let (cluster, configPath) = try await Self.start()
        defer { cluster.stop() }
        let events = cluster.dir + "/events"
        // Resumes from its checkpoint if there is one; on SIGTERM, checkpoints only if it was preempted.
        let program = """
            ckpt="$MUSTER_CHECKPOINT_DIR/step"
            echo "start restart=$MUSTER_RESTART_COUNT" >> \(events)
            if [ -f "$ckpt" ]; then echo "resumed from $(cat "$ckpt")" >> \(events); exit 0; fi
            trap 'if [ -f "$MUSTER_PREEMPT_FILE" ]; then echo "preempted: $(cat "$MUSTER_PREEMPT_FILE")" >> \(events); echo 42 > "$ckpt"; exit 0; fi; exit 1' TERM
            date > "$MUSTER_CHECKPOINT_DIR/warmup"
            echo running >> \(events)
            while true; do sleep 0.1; done
            """
        var low = cluster.request(["/bin/bash", "-c", program], gpus: 4, name: "low")
        low.priority = "batch"
        low.team = "ml"
        let lowID = try await cluster.client.submit(low)
        _ = try await cluster.waitForJob(lowID, ["running"])
        _ = try await cluster.waitFor("the low job to run", timeout: 20) { () -> Bool? in
            (try? String(contentsOfFile: events, encoding: .utf8))?.contains("running") == true ? true : nil
        }
        // Its agent reports the checkpoint it wrote (the newest file in its checkpoint directory).
        let checkpointed = try await cluster.waitFor("the low job's checkpoint", timeout: 20) { () async -> Double? in
            try? await cluster.client.job(lowID).lastCheckpoint
        }
        let started = try #require(try await cluster.client.job(lowID).startTime)
        #expect(checkpointed >= started - 1 && checkpointed <= Date().timeIntervalSince1970 + 1)
        var high = cluster.request(["/bin/sh", "-c", "sleep 2"], gpus: 4, name: "high")
        high.priority = "urgent"
        high.team = "ml"
        let highID = try await cluster.client.submit(high)
        // The victim is pending again (its preemptor holds the GPUs), and says who preempted it and why.
        _ = try await cluster.waitForJob(highID, ["running"])
        let why = try cluster.cli(["why", "\(lowID)"], cwd: cluster.dir)
        #expect(why.output.contains("preempted by job \(highID)"), "\(why.output)")
        #expect(why.output.contains("class urgent outranks class batch in team ml"), "\(why.output)")
        let victim = try await cluster.client.job(lowID)
        #expect(victim.state == "pending" && victim.preemptedBy == highID && victim.preemptions == 1)
        _ = try await cluster.waitForJob(highID, ["completed"], timeout: 30)
        let done = try await cluster.waitForJob(lowID, ["completed"], timeout: 30)
        #expect(done.restarts == 1 && done.epoch == 2)
        let log = (try? String(contentsOfFile: events, encoding: .utf8)) ?? ""
        #expect(
            log.split(separator: "\n").map(String.init) == [
                "start restart=0", "running",
                "preempted: preempted by job \(highID): job \(highID) of class urgent "
                    + "outranks class batch in team ml", "start restart=1", "resumed from 42",
            ], "\(log)")
    }

    @Test func aBadConfigIsRefusedWithItsLineAndTheRunningOneStays() async throws {
        let (cluster, configPath) = try await Self.start()
        defer { cluster.stop() }
        try (Self.config + "\n[team.vision]\nguarantee = lots\n").write(
            toFile: configPath, atomically: true, encoding: .utf8)
        let refused = try cluster.cli(["admin", "reload"], cwd: cluster.dir)
        #expect(refused.status != 0 && refused.output.contains("line 12: lots is not a number"), "\(refused.output)")
        var teams = try await cluster.client.teams()
        #expect(teams.teams.map(\.name) == ["ml", "(no team)"] && teams.classes == ["urgent", "batch"])
        try (Self.config + "\n[team.vision]\nguarantee = 0\n").write(
            toFile: configPath, atomically: true, encoding: .utf8)
        let controller = try #require(cluster.controller)
        kill(controller.processIdentifier, SIGHUP)
        teams = try await cluster.waitFor("the SIGHUP reload", timeout: 10) { () async -> TeamList? in
            let list = try? await cluster.client.teams()
            return list?.teams.contains { $0.name == "vision" } == true ? list : nil
        }
        #expect(teams.teams.first { $0.name == "ml" }?.guarantee == 4)
        let shown = try cluster.cli(["teams"], cwd: cluster.dir)
        #expect(shown.output.contains("vision") && shown.output.contains("classes: urgent > batch"), "\(shown.output)")
        var unknown = cluster.request(["/bin/true"], name: "x")
        unknown.team = "nlp"
        await #expect(throws: (any Error).self) { _ = try await cluster.client.submit(unknown) }
    }
}
