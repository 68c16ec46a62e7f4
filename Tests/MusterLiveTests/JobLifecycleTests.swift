import Foundation
import MusterAPI
import MusterClient
import Testing

extension EndToEnd {
    @Suite struct JobLifecycle {
        @Test func gangJobSeesConsistentEnvironmentOnEveryRank() async throws {
            try await withCluster { cluster in
                let script =
                    "echo ENV RANK=$RANK WORLD_SIZE=$WORLD_SIZE NODE_RANK=$NODE_RANK LOCAL_RANK=$LOCAL_RANK "
                    + "LOCAL_WORLD_SIZE=$LOCAL_WORLD_SIZE MASTER=$MASTER_ADDR:$MASTER_PORT JOB=$MUSTER_JOB_ID "
                    + "CUDA=$CUDA_VISIBLE_DEVICES CKPT=$MUSTER_CHECKPOINT_DIR PWD=$(pwd)"
                let id = try await cluster.client.submit(
                    cluster.request(["/bin/sh", "-c", script], gpus: 8, nodes: 2, tasksPerNode: 2))
                let job = try await cluster.waitForJob(id, ["completed", "failed"])
                #expect(job.state == "completed")
                #expect(job.exitCode == 0)
                #expect(Set(job.placement.map(\.node)) == ["node-a", "node-b"])
                var fields: [[String: String]] = []
                for rank in 0..<4 {
                    let line = try await cluster.logs(id, rank: rank).split(separator: "\n").first {
                        $0.hasPrefix("ENV")
                    }
                    let pairs = (line ?? "").split(separator: " ").dropFirst().map {
                        $0.split(separator: "=", maxSplits: 1)
                    }
                    fields.append(
                        Dictionary(
                            uniqueKeysWithValues: pairs.filter { $0.count == 2 }.map { (String($0[0]), String($0[1])) })
                    )
                }
                #expect(fields.map { $0["RANK"] } == ["0", "1", "2", "3"])
                #expect(fields.allSatisfy { $0["WORLD_SIZE"] == "4" && $0["LOCAL_WORLD_SIZE"] == "2" })
                #expect(fields.map { $0["NODE_RANK"] } == ["0", "0", "1", "1"])
                #expect(fields.map { $0["LOCAL_RANK"] } == ["0", "1", "0", "1"])
                #expect(Set(fields.map { $0["MASTER"] }).count == 1)
                #expect(fields[0]["MASTER"]?.hasPrefix("127.0.0.1:") == true)
                #expect(fields.allSatisfy { $0["JOB"] == "\(id)" })
                #expect(fields.allSatisfy { $0["CUDA"]?.split(separator: ",").count == 4 })
                #expect(fields.allSatisfy { $0["CKPT"]?.hasSuffix("/checkpoints/\(id)") == true })
                let realDir = URL(fileURLWithPath: cluster.dir).resolvingSymlinksInPath().path
                #expect(fields.allSatisfy { $0["PWD"] == cluster.dir || $0["PWD"] == realDir })
            }
        }

        @Test func logsAndExitCodesAreRecorded() async throws {
            try await withCluster { cluster in
                let ok = try await cluster.client.submit(
                    cluster.request(["/bin/sh", "-c", "echo hello from muster; echo to stderr >&2"]))
                let bad = try await cluster.client.submit(cluster.request(["/bin/sh", "-c", "echo failing; exit 3"]))
                let missing = try await cluster.client.submit(cluster.request(["/no/such/program"]))
                let okJob = try await cluster.waitForJob(ok, ["completed", "failed"])
                #expect(okJob.state == "completed" && okJob.exitCode == 0)
                #expect(okJob.startTime != nil && okJob.endTime != nil)
                let output = try await cluster.logs(ok)
                #expect(output.contains("hello from muster") && output.contains("to stderr"))
                let badJob = try await cluster.waitForJob(bad, ["completed", "failed"])
                #expect(badJob.state == "failed" && badJob.exitCode == 3)
                #expect(badJob.reason?.contains("exited with code 3") == true)
                let missingJob = try await cluster.waitForJob(missing, ["completed", "failed"])
                #expect(missingJob.state == "failed" && missingJob.exitCode == 127)
                #expect(try await cluster.logs(missing).contains("cannot start /no/such/program"))
                // The CLI prints the same output.
                let cli = try cluster.cli(["logs", "\(ok)"], cwd: cluster.dir)
                #expect(cli.status == 0 && cli.output.contains("hello from muster"))
            }
        }

        @Test func failingRankFailsTheJobAndStopsItsOtherRanks() async throws {
            try await withCluster { cluster in
                let script = """
                    if [ "$RANK" = 1 ]; then sleep 1; echo rank one fails; exit 7; fi
                    trap 'echo rank zero got TERM; exit 143' TERM
                    echo rank zero waiting; sleep 60 & wait
                    """
                let id = try await cluster.client.submit(
                    cluster.request(["/bin/bash", "-c", script], gpus: 2, nodes: 2))
                let job = try await cluster.waitForJob(id, ["failed", "completed"], timeout: 20)
                #expect(job.state == "failed")
                #expect(job.exitCode == 7)
                #expect(job.reason?.contains("rank 1 exited with code 7") == true)
                try await cluster.waitForLog(id, rank: 0, contains: "rank zero got TERM", timeout: 10)
                // Once rank 0 is gone the GPUs come back.
                _ = try await cluster.waitFor("all GPUs free", timeout: 10) {
                    try await cluster.client.nodes().allSatisfy { $0.freeGPUs == $0.gpus } ? true : nil
                }
            }
        }

        @Test func cancelStopsARunningJobAndRefusesTwice() async throws {
            try await withCluster { cluster in
                let script = "trap 'echo got TERM; exit 0' TERM; echo started; while true; do sleep 0.1; done"
                let id = try await cluster.client.submit(cluster.request(["/bin/bash", "-c", script]))
                try await cluster.waitForLog(id, contains: "started")
                let cancelled = try await cluster.client.cancel(id)
                #expect(cancelled.state == "cancelled")
                try await cluster.waitForLog(id, contains: "got TERM", timeout: 10)
                do {
                    _ = try await cluster.client.cancel(id)
                    Issue.record("a second cancel succeeded")
                } catch let error as ClientError {
                    #expect(error.status == 409 && error.code == "conflict")
                }
                // A pending job can be cancelled too: it never starts.
                let big = try await cluster.client.submit(cluster.request(["/bin/sleep", "30"], gpus: 8, nodes: 2))
                let blocker = try await cluster.client.submit(cluster.request(["/bin/sleep", "30"], gpus: 4))
                _ = try await cluster.client.cancel(big)
                _ = try await cluster.client.cancel(blocker)
                #expect(try await cluster.client.job(big).state == "cancelled")
            }
        }

        @Test func timeLimitStopsTheJobWithSigtermThenSigkill() async throws {
            try await withCluster { cluster in
                // Ignores SIGTERM: only SIGKILL after the 1 s grace period ends it.
                let script = "trap '' TERM; echo started; sleep 60"
                let id = try await cluster.client.submit(cluster.request(["/bin/bash", "-c", script], timeLimit: 2))
                let started = Date()
                let job = try await cluster.waitForJob(id, ["failed", "completed"], timeout: 15)
                #expect(job.state == "failed")
                #expect(job.reason?.contains("time limit of 2s reached") == true)
                #expect(Date().timeIntervalSince(started) < 10)
            }
        }

        @Test func sbatchScriptDirectivesSetTheJobsOptions() async throws {
            try await withCluster { cluster in
                let script = """
                    #!/bin/bash
                    #SBATCH --job-name=sbatch-test
                    #SBATCH --nodes=2
                    #SBATCH --gres=gpu:2
                    #SBATCH --time=5:00
                    #SBATCH --account=team-x
                    #SBATCH --output=out-%j-%t.txt
                    #SBATCH --mail-type=ALL
                    echo "script rank $RANK of $WORLD_SIZE args $1"
                    """
                try script.write(toFile: cluster.dir + "/train.sh", atomically: true, encoding: .utf8)
                let result = try cluster.cli(["submit", "train.sh", "--", "first-arg"], cwd: cluster.dir)
                #expect(result.status == 0, "\(result.output)")
                #expect(result.output.contains("--mail-type=ALL is not supported"))
                let idText = result.output.split(separator: "\n").first { $0.hasPrefix("submitted job ") }
                let id = try #require(idText.flatMap { Int64($0.dropFirst("submitted job ".count)) })
                let job = try await cluster.waitForJob(id, ["completed", "failed"])
                #expect(job.state == "completed")
                #expect(job.name == "sbatch-test" && job.team == "team-x" && job.isScript)
                #expect(job.nodes == 2 && job.gpusPerNode == 2 && job.gpus == 4 && job.timeLimit == 300)
                // A batch script runs once, on the first node, as under sbatch (srun spreads work over the others).
                let text = try String(contentsOfFile: cluster.dir + "/out-\(id)-0.txt", encoding: .utf8)
                #expect(text.contains("script rank 0 of 2 args first-arg"))
                #expect(!FileManager.default.fileExists(atPath: cluster.dir + "/out-\(id)-1.txt"))
            }
        }

        /// A pipeline as a Slurm user writes it: `--afterok` waits for the first job, an `#SBATCH --dependency`
        /// line waits too, and a job whose `afterok` dependency failed is cancelled with the reason, never run.
        @Test func dependentJobsRunInOrderAndAFailedDependencyCancelsItsDependents() async throws {
            try await withCluster { cluster in
                func submit(_ arguments: [String]) throws -> Int64 {
                    let result = try cluster.cli(["submit"] + arguments, cwd: cluster.dir)
                    let line = result.output.split(separator: "\n").first { $0.hasPrefix("submitted job ") }
                    return try #require(line.flatMap { Int64($0.dropFirst("submitted job ".count)) }, "\(result)")
                }
                let marks = cluster.dir + "/order"
                let first = try submit(["--gpus", "2", "--", "/bin/sh", "-c", "sleep 1; echo first >> \(marks)"])
                let second = try submit(["--afterok", "\(first)", "--", "/bin/sh", "-c", "echo second >> \(marks)"])
                let script = """
                    #!/bin/bash
                    #SBATCH --dependency=afterok:\(second)
                    echo third >> \(marks)
                    """
                try script.write(toFile: cluster.dir + "/third.sh", atomically: true, encoding: .utf8)
                let third = try submit(["third.sh"])
                let held = try await cluster.client.job(third)
                #expect(held.state == "pending")
                #expect(held.reason?.hasPrefix("waiting on dependency afterok:\(second)") == true, "\(held)")
                #expect(held.dependencies == [DependencyInfo(type: "afterok", jobID: second)])
                let shown = try cluster.cli(["show", "\(third)"], cwd: cluster.dir).output
                #expect(shown.contains("depends on  afterok:\(second)"), "\(shown)")
                #expect(try await cluster.waitForJob(third, ["completed", "failed", "cancelled"]).state == "completed")
                let order = try String(contentsOfFile: marks, encoding: .utf8)
                #expect(order == "first\nsecond\nthird\n")
                // Its energy, modelled: 1,175 W per GPU from its first rank's start to its end.
                let ran = try await cluster.client.job(first)
                let seconds = try #require(ran.endTime) - (try #require(ran.startTime))
                let expected = Double(ran.gpus) * 1_175 * seconds / 3_600
                let energy = try #require(ran.energyWh)
                #expect(ran.gpus == 2 && seconds >= 1 && abs(energy - expected) <= 0.02, "\(energy) Wh vs \(expected)")
                let firstShown = try cluster.cli(["show", "\(first)"], cwd: cluster.dir).output
                #expect(firstShown.contains("energy      ") && firstShown.contains("Wh (modelled"), "\(firstShown)")
                // `muster usage` sums GPU-hours and energy by team.
                // (Ended jobs are summed from the store: the last end's commit may land a moment after its API view.)
                let (usage, team) = try await cluster.waitFor("the three ends in muster usage", timeout: 10) {
                    () -> (String, UsageRow)? in
                    let usage = try cluster.cli(["usage", "--json"], cwd: cluster.dir).output
                    let rows = try JSONDecoder().decode([UsageRow].self, from: Data(usage.utf8))
                    return rows.first { $0.team == ran.team && $0.jobs >= 3 }.map { (usage, $0) }
                }
                #expect(
                    team.jobs >= 3 && team.energy_kwh >= energy / 1_000 - 1e-5 && team.gpu_hours >= 2 * seconds / 3_600,
                    "\(usage) vs \(energy) Wh over \(seconds) s")

                let failing = try submit(["--", "/bin/sh", "-c", "sleep 1; exit 3"])
                let doomed = try submit(["-d", "afterok:\(failing)", "--", "/bin/sh", "-c", "echo ran >> \(marks)"])
                let cleanup = try submit(["--afterany", "\(failing)", "--", "/bin/true"])
                let cancelled = try await cluster.waitForJob(doomed, ["completed", "failed", "cancelled"])
                #expect(cancelled.state == "cancelled")
                #expect(
                    cancelled.reason == "dependency afterok:\(failing) can never be satisfied: job \(failing) failed")
                #expect(try await cluster.waitForJob(cleanup, ["completed", "failed"]).state == "completed")
                #expect(try String(contentsOfFile: marks, encoding: .utf8) == order, "the cancelled job never ran")
                // Refused at submit: an unknown job, and afterok on a job that already failed.
                let unknown = try cluster.cli(["submit", "--afterok", "99999", "--", "/bin/true"], cwd: cluster.dir)
                #expect(unknown.status != 0 && unknown.output.contains("dependencies[0].job_id"), "\(unknown)")
                let hopeless = try cluster.cli(
                    ["submit", "--afterok", "\(failing)", "--", "/bin/true"], cwd: cluster.dir)
                #expect(hopeless.status != 0 && hopeless.output.contains("can never be satisfied"), "\(hopeless)")
            }
        }

        /// `--array 0-5%2`: six tasks, each with its index in MUSTER_ARRAY_TASK_ID and SLURM_ARRAY_TASK_ID and its
        /// own output file (`%A_%a`), never more than two running at once.
        @Test func jobArrayRunsEveryTaskWithItsIndexAndKeepsTheCap() async throws {
            try await withCluster { cluster in
                let marks = cluster.dir + "/running"
                let result = try cluster.cli(
                    [
                        "submit", "--array", "0-5%2", "--output", "arr_%A_%a.txt", "--", "/bin/sh", "-c",
                        "echo + >> \(marks); echo task $MUSTER_ARRAY_TASK_ID slurm $SLURM_ARRAY_TASK_ID; sleep 0.3; "
                            + "echo - >> \(marks)",
                    ], cwd: cluster.dir)
                #expect(result.status == 0, "\(result.output)")
                let line = try #require(
                    result.output.split(separator: "\n").first { $0.hasPrefix("submitted array job") })
                let first = try #require(Int64(line.split(separator: " ")[3].dropLast()), "\(line)")
                #expect(line.hasSuffix("6 task(s), jobs \(first)-\(first + 5)"))
                for k in 0..<6 {
                    let job = try await cluster.waitForJob(first + Int64(k), ["completed", "failed", "cancelled"])
                    #expect(job.state == "completed" && job.arrayJobID == first && job.arrayTaskID == k)
                    let text = try String(contentsOfFile: cluster.dir + "/arr_\(first)_\(k).txt", encoding: .utf8)
                    #expect(text == "task \(k) slurm \(k)\n")
                }
                var running = 0
                var most = 0
                for mark in try String(contentsOfFile: marks, encoding: .utf8).split(separator: "\n") {
                    running += mark == "+" ? 1 : -1
                    most = max(most, running)
                }
                #expect(most == 2 && running == 0, "at most 2 tasks ran at once (the cap), and 2 did")
            }
        }

        /// `muster why` on a full cluster: the next big job is promised GPUs, a long small one would delay it,
        /// a short small one backfills; the answers are the pass's own.
        @Test func whySaysWhatThePassDecided() async throws {
            try await withCluster { cluster in
                let client = cluster.client!
                let filler = try await client.submit(cluster.request(["/bin/sleep", "30"], gpus: 6, timeLimit: 120))
                _ = try await cluster.waitForJob(filler, ["running"])
                let big = try await client.submit(cluster.request(["/bin/true"], gpus: 8, timeLimit: 60))
                let long = try await client.submit(cluster.request(["/bin/true"], gpus: 2, timeLimit: 3_600))
                let answer = try await cluster.waitFor("the reservation", timeout: 10) { () async throws -> String? in
                    let job = try await client.job(big)
                    return job.reason?.hasPrefix("next in line") == true ? job.reason : nil
                }
                #expect(answer.contains("GPUs are reserved for it"))
                let why = try cluster.cli(["why", "\(long)"], cwd: cluster.dir)
                #expect(why.status == 0)
                #expect(
                    why.output.contains("job \(long) is pending: it fits only on GPUs reserved for job \(big)"),
                    "\(why)")
                let running = try cluster.cli(["why", "\(filler)"], cwd: cluster.dir)
                #expect(running.output.hasPrefix("job \(filler) is running on node-"), "\(running)")
                for id in [filler, big, long] { _ = try? await client.cancel(id) }
            }
        }

        /// Every rank gets Slurm's variables in Slurm's formats, beside Muster's own.
        @Test func ranksGetSlurmsEnvironment() async throws {
            try await withCluster { cluster in
                let names = [
                    "SLURM_JOB_ID", "SLURM_JOB_NAME", "SLURM_JOB_NODELIST", "SLURM_NNODES", "SLURM_NTASKS",
                    "SLURM_TASKS_PER_NODE", "SLURM_NODEID", "SLURM_PROCID", "SLURM_LOCALID", "SLURM_GPUS_ON_NODE",
                    "SLURM_SUBMIT_DIR", "SLURM_JOBID", "SLURMD_NODENAME",
                ]
                let print = names.map { "$\($0)" }.joined(separator: " ")
                let id = try await cluster.client.submit(
                    cluster.request(
                        ["/bin/sh", "-c", "echo \(print)"], gpus: 4, nodes: 2, tasksPerNode: 2, name: "slurmy"))
                let job = try await cluster.waitForJob(id, ["completed", "failed"])
                #expect(job.state == "completed")
                let nodes = job.placement.map(\.node)
                for rank in 0..<4 {
                    let fields = try await cluster.logs(id, rank: rank).split(separator: " ").map(String.init)
                    let expected = [
                        "\(id)", "slurmy", nodes.joined(separator: ","), "2", "4",
                        "2(x2)", "\(rank / 2)", "\(rank)", "\(rank % 2)", "2", cluster.dir, "\(id)",
                        nodes[rank / 2] + "\n",
                    ]
                    #expect(fields == expected, "rank \(rank)")
                }
            }
        }

        /// Through links named as Slurm's commands: sbatch (--parsable, --wrap, flags over #SBATCH lines), squeue,
        /// scancel, sinfo, and scontrol show hostnames inside a job; an unsupported flag is an error naming it.
        @Test func slurmCommandsAnswerUnderTheirNames() async throws {
            try await withCluster { cluster in
                let bin = cluster.dir + "/bin"
                let installed = try cluster.cli(["install-slurm-commands", bin], cwd: cluster.dir)
                #expect(installed.status == 0, "\(installed.output)")
                func slurm(_ tool: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
                    try cluster.cli(arguments, cwd: cluster.dir, program: bin + "/" + tool)
                }
                let script = """
                    #!/bin/bash
                    #SBATCH --job-name=from-script
                    #SBATCH --nodes=1
                    head=$(\(bin)/scontrol show hostnames $SLURM_JOB_NODELIST | head -n 1)
                    echo "head $head of $SLURM_JOB_NODELIST nodes $SLURM_NNODES"
                    """
                try script.write(toFile: cluster.dir + "/job.sbatch", atomically: true, encoding: .utf8)
                let submitted = try slurm("sbatch", ["--parsable", "-N", "2", "--gres=gpu:1", "job.sbatch"])
                #expect(submitted.status == 0, "\(submitted.output)")
                let id = try #require(Int64(submitted.output.trimmingCharacters(in: .whitespacesAndNewlines)))
                let job = try await cluster.waitForJob(id, ["completed", "failed"])
                #expect(job.state == "completed" && job.name == "from-script" && job.nodes == 2, "\(job)")
                let nodes = job.placement.map(\.node)
                #expect(
                    try await cluster.logs(id).contains("head \(nodes[0]) of \(nodes.joined(separator: ",")) nodes 2"))

                let wrapped = try slurm("sbatch", ["--parsable", "-J", "sleeper", "--wrap", "sleep 30"])
                let sleeper = try #require(Int64(wrapped.output.trimmingCharacters(in: .whitespacesAndNewlines)))
                _ = try await cluster.waitForJob(sleeper, ["running"])
                let queue = try slurm("squeue", ["-h"])
                #expect(queue.status == 0)
                let row = queue.output.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
                    .first { $0.first == "\(sleeper)" }
                #expect(row?[2] == "sleeper" && row?[4] == "R", "\(queue.output)")
                let info = try slurm("sinfo", [])
                #expect(info.output.hasPrefix("PARTITION  AVAIL  TIMELIMIT  NODES  STATE"), "\(info.output)")
                #expect(try slurm("scancel", ["\(sleeper)"]).status == 0)
                #expect(try await cluster.waitForJob(sleeper, ["cancelled"]).state == "cancelled")
                #expect(try slurm("scontrol", ["show", "hostnames", "gpu[01-03]"]).output == "gpu01\ngpu02\ngpu03\n")
                let accounting = try slurm("sacct", ["-n", "-j", "\(id),\(sleeper)"])
                let rows = accounting.output.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
                #expect(
                    rows.map { [$0[0], $0[4], $0[5]] } == [
                        ["\(id)", "COMPLETED", "0:0"], ["\(sleeper)", "CANCELLED", "0:15"],
                    ], "\(accounting.output)")

                let refused = try slurm("sbatch", ["--mail-user=a@b", "--wrap", "true"])
                #expect(
                    refused.status != 0 && refused.output.contains("--mail-user is not supported"), "\(refused.output)")
            }
        }
    }
}

/// A row of `muster usage --json`.
private struct UsageRow: Decodable {
    var team: String
    var jobs: Int
    var gpu_hours: Double
    var energy_kwh: Double
}
