import Foundation
import MusterAPI
import MusterClient
import Testing

extension EndToEnd {
    /// The live state holds only active jobs: an ended job leaves the controller's memory `--keep-ended` after
    /// it ends, and the store answers for it (its page, logs, the queue's ended states, an idempotent retry, a
    /// dependency on it, a cancel); a restart loads only the live jobs and hands out ids after the highest.
    @Suite struct EndedJobs {
        @Test func endedJobsLeaveMemoryAndTheStoreAnswersForThemAcrossARestart() async throws {
            try await withCluster(agents: 1, controllerExtra: ["--keep-ended", "1"]) { try await check($0) }
        }

        func check(_ cluster: LiveCluster) async throws {
            let client = cluster.client!
            var echo = cluster.request(["/bin/sh", "-c", "echo kept-in-the-log"], name: "echo")
            let done = try await client.submit(echo, idempotencyKey: "echo-1")
            let failed = try await client.submit(cluster.request(["/bin/sh", "-c", "exit 3"]))
            let running = try await client.submit(cluster.request(["/bin/sleep", "600"]))
            let batch = try SlurmSteps.sbatch(cluster, "#!/bin/bash\n#SBATCH --gpus=1\nsrun echo step-output\n")
            try await cluster.waitForJob(batch, ["completed"])
            try await cluster.waitForJob(done, ["completed"])
            try await cluster.waitForJob(failed, ["failed"])
            try await cluster.waitForJob(running, ["running"])
            try await waitForJobsInMemory(cluster, 1)

            // Forgotten, but answered from the store.
            let page = try await client.job(done)
            #expect(page.state == "completed" && page.name == "echo", "\(page)")
            #expect(try await cluster.logs(done).contains("kept-in-the-log"))
            let step = try await client.step(batch, 0)
            #expect(step.exitCode == 0, "\(step)")
            #expect(try await client.stepLogs(batch, step: 0, task: 0).data.contains("step-output"))
            let ended = try await client.jobPage(states: ["completed", "failed"])
            #expect(ended.jobs.map(\.id) == [done, failed, batch], "\(ended.jobs.map(\.id))")
            let newest = try await client.jobPage(limit: 2)
            #expect(newest.jobs.map(\.id) == [running, batch] && newest.nextBefore == running)
            let older = try await client.jobPage(limit: 2, before: running)
            #expect(older.jobs.map(\.id) == [done, failed] && older.nextBefore == nil)
            let retry = try await client.submitAnswer(echo, idempotencyKey: "echo-1")
            #expect(retry.id == done, "a retry of a forgotten job names it, it does not run again")
            echo.name = "other"
            await #expect(throws: ClientError.self) { _ = try await client.submit(echo, idempotencyKey: "echo-1") }
            do {
                _ = try await client.cancel(done)
                Issue.record("cancelling an ended job must be refused")
            } catch {
                #expect(error.status == 409, "\(error)")
            }
            let bob = cluster.client(token: try await client.createToken(user: "muster-bob").token)
            do {
                _ = try await bob.job(done)
                Issue.record("bob must not see root's ended job")
            } catch {
                #expect(error.status == 403, "\(error)")
            }
            await bob.shutdown()

            // Dependencies on forgotten jobs: afterok on a completed one runs, on a failed one is refused.
            var after = cluster.request(["/bin/true"])
            after.dependencies = [DependencyInfo(type: "afterok", jobID: done)]
            let next = try await client.submit(after)
            try await cluster.waitForJob(next, ["completed"])
            after.dependencies = [DependencyInfo(type: "afterok", jobID: failed)]
            do {
                _ = try await client.submit(after)
                Issue.record("afterok on a failed job can never be satisfied")
            } catch {
                #expect(error.status == 409, "\(error)")
            }

            // A restart loads only the running job; ids go on after the highest stored.
            cluster.killController()
            try await cluster.startController()
            try await waitForJobsInMemory(cluster, 1)
            #expect(try await client.job(running).state == "running")
            #expect(try await client.job(failed).state == "failed")
            let later = try await client.submit(cluster.request(["/bin/true"]))
            #expect(later > next, "ids are not reused after a restart")
            #expect(cluster.logTail("controller.log", lines: 200).contains("1 live jobs (of \(next) ever)"))
        }

        /// Waits until the controller's memory holds `count` jobs (`muster_jobs_in_memory`).
        func waitForJobsInMemory(_ cluster: LiveCluster, _ count: Int) async throws {
            _ = try await cluster.waitFor("\(count) job(s) in the controller's memory", timeout: 20) {
                let samples = Metrics.parse(try await cluster.client.metrics())
                return samples["muster_jobs_in_memory"] == Double(count) ? true : nil
            }
        }
    }
}
