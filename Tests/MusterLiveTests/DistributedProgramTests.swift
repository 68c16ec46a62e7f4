import Foundation
import MusterAPI
import Testing

extension EndToEnd {
    /// Real distributed programs written by others, run across two agents.
    @Suite struct DistributedPrograms {
        static let resources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "Resources"
        ).path

        /// True if `python3 -c "import MODULE"` works; with `install`, tries `pip install` first.
        static func pythonHas(_ module: String, install: String? = nil) -> Bool {
            func run(_ args: [String], timeout: Double) -> Bool {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                process.arguments = args
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                guard (try? process.run()) != nil else { return false }
                let timer = DispatchWorkItem { if process.isRunning { process.terminate() } }
                DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: timer)
                process.waitUntilExit()
                timer.cancel()
                return process.terminationStatus == 0
            }
            if run(["python3", "-c", "import \(module)"], timeout: 60) { return true }
            guard let install else { return false }
            _ = run(["python3", "-m", "pip", "install", "--quiet", install], timeout: 600)
            return run(["python3", "-c", "import \(module)"], timeout: 60)
        }

        @Test(.timeLimit(.minutes(10)))
        func jaxMultiProcessSumAcrossTwoAgents() async throws {
            guard Self.pythonHas("jax", install: "jax") else {
                print("SKIP jaxMultiProcessSumAcrossTwoAgents: python3 cannot import jax and `pip install jax` failed")
                return
            }
            try await withCluster(heartbeatTimeout: 10) { cluster in
                let id = try await cluster.client.submit(
                    cluster.request(
                        ["python3", Self.resources + "/jax_allgather_sum.py"], gpus: 2, nodes: 2, timeLimit: 120))
                let job = try await cluster.waitForJob(id, ["completed", "failed"], timeout: 150)
                let logs = [try await cluster.logs(id, rank: 0), try await cluster.logs(id, rank: 1)]
                #expect(job.state == "completed", "\(logs)")
                #expect(logs[0].contains("rank 0 of 2: processes=2 sum=3.0"))
                #expect(logs[1].contains("rank 1 of 2: processes=2 sum=3.0"))
            }
        }

        @Test(.timeLimit(.minutes(5)))
        func torchDistributedGlooAllReduceAcrossTwoAgents() async throws {
            guard Self.pythonHas("torch") else {
                print(
                    "SKIP torchDistributedGlooAllReduceAcrossTwoAgents: python3 cannot import torch "
                        + "(`pip install torch` to run it; .ci/run installs it, this test does not: the wheel is ~3 GB)"
                )
                return
            }
            try await withCluster(heartbeatTimeout: 10) { cluster in
                let id = try await cluster.client.submit(
                    cluster.request(
                        ["python3", Self.resources + "/torch_gloo_allreduce.py"], gpus: 2, nodes: 2, timeLimit: 120))
                let job = try await cluster.waitForJob(id, ["completed", "failed"], timeout: 150)
                let logs = [try await cluster.logs(id, rank: 0), try await cluster.logs(id, rank: 1)]
                #expect(job.state == "completed", "\(logs)")
                #expect(logs[0].contains("rank 0 of 2: sum=3.0") && logs[1].contains("rank 1 of 2: sum=3.0"))
            }
        }
    }
}
