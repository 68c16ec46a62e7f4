import MusterAPI
import MusterAgent
import Testing

struct TimeLimitTextTests {
    @Test(
        arguments: [
            ("90", 5400), ("30s", 30), ("90m", 5400), ("2h", 7200), ("1.5h", 5400), ("1d", 86_400), ("1:30:00", 5400),
            ("45:00", 2700), ("2-12", 216_000), ("2-12:30:00", 217_800), ("1-0:0:1", 86_401),
        ] as [(String, Int64)])
    func slurmAndShortFormsParse(text: String, seconds: Int64) throws {
        #expect(try TimeLimitText.parse(text) == seconds)
    }

    @Test(arguments: ["", "abc", "0", "-5", "1:2:3:4", "h", "0s", "1:xx"])
    func nonsenseIsRejectedWithTheFormsThatWork(text: String) {
        #expect(throws: TimeLimitError.invalid(text)) { try TimeLimitText.parse(text) }
        #expect(TimeLimitError.invalid(text).description.contains("1:30:00"))
    }

    @Test func formatRoundTrips() throws {
        #expect(TimeLimitText.format(5400) == "1h30m")
        #expect(TimeLimitText.format(2) == "2s")
        #expect(TimeLimitText.format(93_784) == "1d2h3m4s")
        #expect(try TimeLimitText.parse(TimeLimitText.format(7200)) == 7200)
    }
}

struct BatchScriptTests {
    @Test func arrayTextReadsAsSbatchDoesAndIsBoundedBeforeExpanding() throws {
        #expect(try ArrayText.parse("0-3") == ([0, 1, 2, 3], nil))
        #expect(try ArrayText.parse("1,3,5-7%2") == ([1, 3, 5, 6, 7], 2))
        #expect(try ArrayText.parse("0-15:4") == ([0, 4, 8, 12], nil))
        #expect(try ArrayText.parse("3,1-3") == ([1, 2, 3], nil))
        for bad in ["", "a", "3-1", "-1", "0-9%0", "0-9%", "0-1000000000", "0-99999", "0-5:0", "1,,2", "0-9%20000"] {
            #expect(throws: ArrayTextError.self, "\(bad)") { try ArrayText.parse(bad) }
        }
        let script = try BatchScript.parse("#!/bin/bash\n#SBATCH --array=0-9%3\n")
        #expect(script.array == "0-9%3" && script.warnings.isEmpty)
        #expect(throws: BatchScriptError.badValue(line: 2, option: "-a", value: "9-0")) {
            try BatchScript.parse("#!/bin/sh\n#SBATCH -a 9-0\n")
        }
    }

    @Test func dependencyTextReadsAsSbatchDoes() throws {
        #expect(
            try DependencyInfo.parse("afterok:12:13,afterany:14") == [
                DependencyInfo(type: "afterok", jobID: 12), DependencyInfo(type: "afterok", jobID: 13),
                DependencyInfo(type: "afterany", jobID: 14),
            ])
        for bad in ["afterok:12?afterany:3", "singleton", "afterok", "afterok:", "afterok:x", "after:0", "before:3"]
            + ["afterok:12+30", ""]
        {
            #expect(throws: DependencyTextError.self, "\(bad)") { try DependencyInfo.parse(bad) }
        }
        let script = try BatchScript.parse("#!/bin/bash\n#SBATCH -d afterok:3\n#SBATCH --dependency=afterany:4:5\n")
        #expect(script.dependencies?.map(\.jobID) == [3, 4, 5])
        #expect(script.warnings.isEmpty)
        #expect(throws: BatchScriptError.badValue(line: 2, option: "--dependency", value: "singleton")) {
            try BatchScript.parse("#!/bin/sh\n#SBATCH --dependency=singleton\n")
        }
    }

    @Test func sbatchAndMusterDirectivesBeforeTheFirstCommandSetOptions() throws {
        let script = try BatchScript.parse(
            """
            #!/bin/bash
            # a comment
            #SBATCH --nodes=2 --gres=gpu:a100:4
            #SBATCH -J train -t 1:00:00
            #SBATCH --output out-%j.txt
            #SBATCH -A research
            #MUSTER --ntasks-per-node=4 --mem=8G
            #SBATCH --partition=gpu
            echo hi
            #SBATCH --nodes=99
            """)
        #expect(script.nodes == 2 && script.gpusPerNode == 4 && script.gpuModel == "a100" && script.name == "train")
        #expect(script.timeLimit == 3600 && script.output == "out-%j.txt" && script.team == "research")
        #expect(script.tasksPerNode == 4 && script.memoryMib == 8192)
        #expect(script.warnings.count == 1 && script.warnings[0].contains("--partition"))
    }

    @Test func badValuesNameTheLineAndOption() {
        #expect(throws: BatchScriptError.badValue(line: 2, option: "--nodes", value: "two")) {
            try BatchScript.parse("#!/bin/sh\n#SBATCH --nodes=two\n")
        }
        #expect(throws: BatchScriptError.missingValue(line: 1, option: "-J")) { try BatchScript.parse("#SBATCH -J") }
        #expect(throws: BatchScriptError.badValue(line: 1, option: "--time", value: "soon")) {
            try BatchScript.parse("#SBATCH --time=soon")
        }
    }

    @Test func gresWithoutCountMeansOneGPU() throws {
        #expect(try BatchScript.parse("#SBATCH --gres=gpu").gpusPerNode == 1)
        let typed = try BatchScript.parse("#SBATCH --gres=gpu:h100")
        #expect(typed.gpusPerNode == 1 && typed.gpuModel == "h100")
    }
}

struct GPUDiscoveryTests {
    @Test func nvidiaSMICSVIsParsed() throws {
        let gpus = try GPUDiscovery.parse(
            "0, NVIDIA H100 80GB HBM3, 81559, GPU-aaa\n1, NVIDIA H100 80GB HBM3, 81559, GPU-bbb\n")
        #expect(gpus.map(\.index) == [0, 1] && gpus[0].model == "NVIDIA H100 80GB HBM3" && gpus[1].uuid == "GPU-bbb")
        #expect(gpus[0].memoryMib == 81_559)
    }

    /// The agent's own GPU check reads nvidia-smi's answer: healthy GPUs pass; an uncorrectable ECC error, a GPU
    /// too hot, a GPU missing from the answer (off the bus) or a failing nvidia-smi each drain the node, with why.
    @Test func gpuHealthFindsECCErrorsHeatLostGPUsAndAFailingNvidiaSMI() {
        let expected = ["GPU-aaa", "GPU-bbb"]
        #expect(
            GPUHealth.assess(status: 0, output: "0, GPU-aaa, 0, 41\n1, GPU-bbb, [N/A], 43\n", expected: expected) == nil
        )
        #expect(
            GPUHealth.assess(status: 0, output: "0, GPU-aaa, 2, 41\n1, GPU-bbb, 0, 93\n", expected: expected)
                == "GPU 0: 2 uncorrectable ECC errors; GPU 1 at 93 °C (limit 90)")
        #expect(
            GPUHealth.assess(status: 0, output: "0, GPU-aaa, 0, 41\n", expected: expected)
                == "1 GPU fell off the bus (GPU-bbb)")
        let lost = "Unable to determine the device handle for GPU 0000:1B:00.0: GPU is lost.  Reboot the system."
        #expect(
            GPUHealth.assess(status: 15, output: lost + "\n", expected: expected)
                == "nvidia-smi failed (exit 15): " + lost)
    }

    @Test func garbageIsAnError() {
        #expect(throws: GPUDiscoveryError.badLine(1, "No devices were found")) {
            try GPUDiscovery.parse("No devices were found")
        }
    }

    @Test func fakeGPUsAreNumberedFromZero() {
        #expect(GPUDiscovery.fakeGPUs(3).map(\.index) == [0, 1, 2])
    }
}

struct HostlistTests {
    @Test func compressesAsSlurmDoes() {
        #expect(Hostlist.compress(["gpu01", "gpu02", "gpu03", "gpu04", "gpu07"]) == "gpu[01-04,07]")
        #expect(Hostlist.compress(["node-a", "node-b"]) == "node-a,node-b")
        #expect(Hostlist.compress(["n1"]) == "n1")
        #expect(Hostlist.compress(["n3", "n1", "n2", "login", "n10"]) == "n[1-3,10],login")
        #expect(Hostlist.compress(["a009", "a010", "a11"]) == "a[009-010],a11")
        #expect(Hostlist.compress(["n01", "n10", "n02"]) == "n[01-02,10]")
        #expect(Hostlist.compress([]) == "")
    }

    @Test func expandsWhatItCompresses() {
        let names = ["gpu01", "gpu02", "gpu04", "login", "x7", "x8", "rack2-n05", "rack2-n06"]
        #expect(Hostlist.expand(Hostlist.compress(names)).map(Set.init) == Set(names))
        #expect(Hostlist.expand("gpu[01-03,07],login") == ["gpu01", "gpu02", "gpu03", "gpu07", "login"])
        for bad in ["gpu[", "gpu[3-1]", "a,,b", "gpu[x]", "gpu]1[", "n[0-99999999]"] {
            #expect(Hostlist.expand(bad, limit: 1000) == nil, "\(bad)")
        }
    }
}
