import Foundation
import MusterAPI
import MusterClient
import Testing

extension EndToEnd {
    /// Slurm batch scripts run unchanged: sbatch runs the script once, on the first node of its allocation, and
    /// `srun` inside it launches steps over the allocation through the agents, on two agents.
    @Suite struct SlurmSteps {
        /// Installs the Slurm links in `<dir>/bin` and submits `script` with `sbatch` (the links first on the job's
        /// PATH, as on a Slurm cluster); returns the job's id.
        static func sbatch(_ cluster: LiveCluster, _ script: String, file: String = "job.sbatch") throws -> Int64 {
            let bin = cluster.dir + "/bin"
            if !FileManager.default.fileExists(atPath: bin + "/srun") {
                let installed = try cluster.cli(["install-slurm-commands", bin], cwd: cluster.dir)
                #expect(installed.status == 0, "\(installed.output)")
            }
            try script.write(toFile: cluster.dir + "/" + file, atomically: true, encoding: .utf8)
            let path = bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
            let submitted = try cluster.cli(
                ["--parsable", file], cwd: cluster.dir, program: bin + "/sbatch", env: ["PATH": path])
            #expect(submitted.status == 0, "\(submitted.output)")
            return try #require(Int64(submitted.output.trimmingCharacters(in: .whitespacesAndNewlines)))
        }

        @Test func srunRunsATaskPerNodeAndTaskOfATwoNodeScriptWithSlurmsVariables() async throws {
            try await withCluster { cluster in
                let id = try Self.sbatch(
                    cluster,
                    """
                    #!/bin/bash
                    #SBATCH --nodes=2
                    #SBATCH --ntasks-per-node=2
                    #SBATCH --gres=gpu:2
                    srun bash -c 'echo "task $SLURM_PROCID of $SLURM_NTASKS node $SLURM_NODEID local $SLURM_LOCALID \
                    on $SLURMD_NODENAME host $(hostname) step $SLURM_STEP_ID gpus $CUDA_VISIBLE_DEVICES"'
                    echo "srun said $?"
                    """)
                let job = try await cluster.waitForJob(id, ["completed", "failed"], timeout: 60)
                let log = try await cluster.logs(id)
                #expect(job.state == "completed", "\(log)")
                let nodes = job.placement.map(\.node)
                let host = try cluster.cli([], cwd: cluster.dir, program: "/bin/hostname").output
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                for procid in 0..<4 {
                    let node = procid / 2
                    let gpus = job.placement[node].gpus.map(String.init).joined(separator: ",")
                    let line =
                        "task \(procid) of 4 node \(node) local \(procid % 2) on \(nodes[node]) host \(host) step 0 "
                        + "gpus \(gpus)"
                    #expect(log.contains(line), "\(log)")
                }
                #expect(log.contains("srun said 0"))
                let steps = try #require(try await cluster.client.job(id).steps)
                #expect(steps.count == 1 && steps[0].state == "completed" && steps[0].tasks.count == 4)
                #expect(steps[0].tasks.map(\.node) == [nodes[0], nodes[0], nodes[1], nodes[1]])
                let shown = try cluster.cli(["show", "\(id)"], cwd: cluster.dir)
                #expect(shown.output.contains("step \(id).0  completed (exit code 0), 4 task(s)"), "\(shown.output)")
            }
        }

        @Test func srunProbesTheHeadNodeNamedByScontrolShowHostnames() async throws {
            try await withCluster { cluster in
                let id = try Self.sbatch(
                    cluster,
                    """
                    #!/bin/bash
                    #SBATCH -N 2
                    #SBATCH --gres=gpu:1
                    head=$(scontrol show hostnames $SLURM_JOB_NODELIST | head -n1)
                    last=$(scontrol show hostnames $SLURM_JOB_NODELIST | tail -n1)
                    srun -N1 -n1 -w "$head" bash -c 'echo "probe on $SLURMD_NODENAME ntasks $SLURM_NTASKS nodes \
                    $SLURM_STEP_NODELIST procid $SLURM_PROCID"'
                    srun -N1 -w "$last" bash -c 'echo "last $SLURMD_NODENAME nodeid $SLURM_NODEID nnodes $SLURM_NNODES \
                    job $SLURM_JOBID nodelist $SLURM_NODELIST job nodes $SLURM_JOB_NUM_NODES"'
                    """)
                let job = try await cluster.waitForJob(id, ["completed", "failed"], timeout: 60)
                let log = try await cluster.logs(id)
                #expect(job.state == "completed", "\(log)")
                let head = try #require(job.placement.first?.node)
                #expect(log.contains("probe on \(head) ntasks 1 nodes \(head) procid 0"), "\(log)")
                #expect(log.components(separatedBy: "probe on").count == 2, "one task only: \(log)")
                // As under Slurm: the node's index and count are the step's, SLURM_NODELIST is the job's.
                let last = try #require(job.placement.last?.node)
                let all = Hostlist.compress(job.placement.map(\.node))
                #expect(log.contains("last \(last) nodeid 0 nnodes 1 job \(id) nodelist \(all) job nodes 2"), "\(log)")
            }
        }

        @Test func aFailingStepIsTheScriptsToCheckAndAnUnsupportedFlagIsNamed() async throws {
            try await withCluster { cluster in
                let id = try Self.sbatch(
                    cluster,
                    """
                    #!/bin/bash
                    #SBATCH -N 2
                    if ! srun false; then echo caught; fi
                    srun bash -c 'exit $((SLURM_PROCID + 3))'
                    echo "status $?"
                    srun --exclusive true
                    echo "refused $?"
                    srun -N 3 true
                    echo "too many $?"
                    exit 0
                    """)
                let job = try await cluster.waitForJob(id, ["completed", "failed"], timeout: 60)
                let log = try await cluster.logs(id)
                #expect(job.state == "completed", "\(log)")
                #expect(log.contains("caught"), "\(log)")
                #expect(log.contains("status 4"), "the highest task exit: \(log)")
                #expect(log.contains("--exclusive is not supported by Muster's srun"), "\(log)")
                #expect(log.contains("refused 1"), "\(log)")
                #expect(log.contains("nodes: must be 1 to 2 (the job's allocation), got 3"), "\(log)")
                let steps = try #require(try await cluster.client.job(id).steps)
                #expect(steps.map(\.exitCode) == [1, 4], "\(steps)")
            }
        }

        @Test func aBatchScriptRunsOnceOnTheFirstNodeAndItsExitIsTheJobs() async throws {
            try await withCluster { cluster in
                let id = try Self.sbatch(
                    cluster,
                    """
                    #!/bin/bash
                    #SBATCH --nodes=2
                    #SBATCH --ntasks-per-node=2
                    echo "ran on $SLURMD_NODENAME" >> runs.txt
                    """)
                let job = try await cluster.waitForJob(id, ["completed", "failed"], timeout: 60)
                #expect(job.state == "completed")
                let runs = try String(contentsOfFile: cluster.dir + "/runs.txt", encoding: .utf8)
                #expect(runs == "ran on \(job.placement[0].node)\n", "once, not per rank: \(runs)")

                let failing = try Self.sbatch(cluster, "#!/bin/bash\n#SBATCH -N 2\nexit 7\n", file: "fail.sbatch")
                let failed = try await cluster.waitForJob(failing, ["completed", "failed"], timeout: 60)
                #expect(failed.state == "failed" && failed.exitCode == 7, "\(failed)")
            }
        }

        /// An unchanged array script (`#SBATCH --array=0-7%2`, `--output=arr_%A_%a.out`): all 8 tasks run, each
        /// with its SLURM_ARRAY_TASK_ID and the array's SLURM_ARRAY_JOB_ID, into its own `%A_%a` file, and the
        /// controller's records (scheduled and end times, on its clock) never have more than 2 running at once.
        @Test func anArrayScriptRunsEveryTaskWithItsIdAndAtMostTwoAtOnce() async throws {
            try await withCluster { cluster in
                let first = try Self.sbatch(
                    cluster,
                    """
                    #!/bin/bash
                    #SBATCH --job-name=sweep
                    #SBATCH --array=0-7%2
                    #SBATCH --output=arr_%A_%a.out
                    echo "task $SLURM_ARRAY_TASK_ID of $SLURM_ARRAY_JOB_ID job $SLURM_JOB_ID name $SLURM_JOB_NAME"
                    sleep 1
                    """, file: "sweep.sbatch")
                var events: [(time: Double, delta: Int)] = []
                for k in 0..<8 {
                    let id = first + Int64(k)
                    let job = try await cluster.waitForJob(id, ["completed", "failed", "cancelled"], timeout: 120)
                    #expect(job.state == "completed" && job.arrayJobID == first && job.arrayTaskID == k, "\(job)")
                    let text = try String(contentsOfFile: cluster.dir + "/arr_\(first)_\(k).out", encoding: .utf8)
                    #expect(text == "task \(k) of \(first) job \(id) name sweep\n", "\(text)")
                    let start = try #require(job.scheduledTime ?? job.startTime)
                    events += [(start, 1), (try #require(job.endTime), -1)]
                }
                // A task's slot is free once the controller has recorded its end; at equal times, ends first.
                events.sort { $0.time != $1.time ? $0.time < $1.time : $0.delta < $1.delta }
                var running = 0
                var most = 0
                for event in events {
                    running += event.delta
                    most = max(most, running)
                }
                #expect(most == 2, "at most 2 of the array's tasks at once (the %2 cap), and 2 did: \(events)")
            }
        }

        /// A step token launches steps in its own job only; another user's token launches none.
        @Test func stepTokensLaunchStepsOnlyInTheirOwnJob() async throws {
            try await withCluster { cluster in
                let script = """
                    #!/bin/bash
                    echo -n "$MUSTER_STEP_TOKEN" > token-$SLURM_JOB_ID
                    sleep 60
                    """
                let a = try Self.sbatch(cluster, script, file: "a.sbatch")
                let b = try Self.sbatch(cluster, script, file: "b.sbatch")
                let tokenA = try await cluster.waitFor("job \(a)'s step token", timeout: 30) {
                    try? String(contentsOfFile: cluster.dir + "/token-\(a)", encoding: .utf8)
                }
                let step = StepLaunchRequest(command: ["true"], workdir: cluster.dir, env: ["PATH": "/usr/bin:/bin"])
                let asA = cluster.client(token: tokenA)
                let asMallory = cluster.client(token: try await cluster.client.createToken(user: "mallory").token)
                defer {
                    Task {
                        await asA.shutdown()
                        await asMallory.shutdown()
                    }
                }
                do {
                    _ = try await asA.launchStep(b, step)
                    Issue.record("job \(a)'s step token launched a step in job \(b)")
                } catch {
                    #expect("\(error)".contains("belongs to job \(a)"), "\(error)")
                }
                do {
                    _ = try await asMallory.launchStep(a, step)
                    Issue.record("another user launched a step in job \(a)")
                } catch {
                    #expect("\(error)".contains("belongs to another user"), "\(error)")
                }
                let launched = try await asA.launchStep(a, step)
                let ended = try await cluster.waitFor("the step to end", timeout: 30) {
                    let info = try await asA.step(a, launched.id)
                    return info.exitCode != nil ? info : nil
                }
                #expect(ended.exitCode == 0 && ended.tasks.count == 1)
                _ = try await cluster.client.cancel(a)
                _ = try await cluster.client.cancel(b)
            }
        }

        @Test(.timeLimit(.minutes(10)), .enabled(if: DistributedPrograms.pythonHas("torch")))
        func torchrunThroughSrunAllReducesOverGloo() async throws {
            try await withCluster(heartbeatTimeout: 10) { cluster in
                let program = DistributedPrograms.resources + "/torch_gloo_allreduce.py"
                let id = try Self.sbatch(
                    cluster,
                    """
                    #!/bin/bash
                    #SBATCH --nodes=2
                    #SBATCH --gres=gpu:1
                    #SBATCH --time=3:00
                    head=$(scontrol show hostnames "$SLURM_JOB_NODELIST" | head -n1)
                    export HEAD_IP=$(srun -N1 -n1 -w "$head" hostname --ip-address | awk '{print $1; exit}')
                    echo "head $head at $HEAD_IP"
                    srun bash -c 'python3 -m torch.distributed.run --nnodes=$SLURM_NNODES --nproc_per_node=1 \
                    --node_rank=$SLURM_NODEID --master_addr=$HEAD_IP --master_port=$MASTER_PORT \(program)'
                    """)
                let job = try await cluster.waitForJob(id, ["completed", "failed"], timeout: 170)
                let log = try await cluster.logs(id)
                #expect(job.state == "completed", "\(log)")
                #expect(log.contains("rank 0 of 2: sum=3.0") && log.contains("rank 1 of 2: sum=3.0"), "\(log)")
                #expect(log.contains("head node-a at "), "the head node from scontrol show hostnames: \(log)")
            }
        }

        @Test(.timeLimit(.minutes(10)), .enabled(if: DistributedPrograms.pythonHas("jax")))
        func srunPythonRunsAJaxProgramPlacedBySlurmProcid() async throws {
            try await withCluster(heartbeatTimeout: 10) { cluster in
                let program = DistributedPrograms.resources + "/jax_slurm_allgather.py"
                let id = try Self.sbatch(
                    cluster,
                    """
                    #!/bin/bash
                    #SBATCH --nodes=2
                    #SBATCH --time=3:00
                    srun python3 \(program)
                    """)
                let job = try await cluster.waitForJob(id, ["completed", "failed"], timeout: 170)
                let log = try await cluster.logs(id)
                #expect(job.state == "completed", "\(log)")
                #expect(log.contains("procid 0 of 2: processes=2 sum=3.0"), "\(log)")
                #expect(log.contains("procid 1 of 2: processes=2 sum=3.0"), "\(log)")
            }
        }
    }
}
