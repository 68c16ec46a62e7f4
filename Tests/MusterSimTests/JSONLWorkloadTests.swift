import Foundation
import MusterCore
import Testing

@testable import MusterSim

@Suite struct JSONLWorkloadTests {
    @Test(arguments: ["w.jsonl", "w.jsonl.gz"])
    func writtenWorkloadsReadBackEqual(name: String) throws {
        var workload = SyntheticWorkload(clusterGPUs: 512, seed: 9, duration: 6 * 3_600).generate()
        workload.jobs[0].spec.nodes = 2
        workload.jobs[0].spec.gpus = 16
        workload.jobs[0].spec.gpusPerNode = 8
        workload.jobs[1].spec.cpusPerNode = 12
        workload.jobs[1].spec.memoryMiBPerNode = 65_536
        workload.jobs[2].spec.name = "quote \" backslash \\ tab \t ünïcödé 🚀"
        workload.jobs[3].spec.priority = .critical
        workload.jobs[4].partition = "vc-a"
        let path = try InputFixtures.folder() + "/" + name
        try JSONLWorkload.write(workload, to: path)
        let back = try JSONLWorkload.load(path: path)
        #expect(back.jobs == workload.jobs)
        #expect(back.name == name)
    }

    @Test func optionalFieldsDefaultAndCommentsAndBlankLinesAreSkipped() throws {
        let path = try InputFixtures.file(
            "w.jsonl",
            "# header comment\n\n   \n  # indented comment\n{\"submit\": 5, \"gpus\": 8, \"runtime\": 60}\n"
                + "{\"submit\": 0, \"gpus\": 16, \"runtime\": 3600, \"time_limit\": 7200, \"gpus_per_node\": 8, "
                + "\"nodes\": 2, \"team\": \"vision\", \"priority\": \"high\", \"name\": \"resnet\", "
                + "\"cpus_per_node\": 0, \"memory_mib_per_node\": null}\n")
        let jobs = try JSONLWorkload.load(path: path).jobs
        #expect(jobs.count == 2)
        #expect(jobs[0].spec.name == "resnet")
        #expect(jobs[0].spec.timeLimit == 7_200)
        #expect(jobs[0].spec.nodes == 2)
        #expect(jobs[0].spec.priority == .high)
        #expect(jobs[1].spec.name == "job-5")
        #expect(jobs[1].spec.timeLimit == 60)
        #expect(jobs[1].spec.team == "default")
        #expect(jobs[1].spec.priority == .normal)
        #expect(jobs[1].spec.submitTime == 5)
    }

    @Test(arguments: [
        ("{\"submit\": 5, \"gpus\": 2}", "w.jsonl line 3: runtime is missing"),
        ("{\"submit\": 0, \"gpus\": \"eight\", \"runtime\": 10}", "w.jsonl line 3: gpus has the wrong type"),
        ("{\"submit\": 0, \"gpus\": 1.5, \"runtime\": 10}", "w.jsonl line 3: gpus 1.5 is not a whole number"),
        ("{\"submit\": 0, \"gpus\": 1, \"runtime\": 0}", "w.jsonl line 3: runtime must be at least 1, got 0"),
        ("{\"submit\": -1, \"gpus\": 1, \"runtime\": 9}", "w.jsonl line 3: submit must be at least 0, got -1"),
        (
            "{\"submit\": 0, \"gpus\": 1, \"runtime\": 9, \"time_limt\": 9}",
            "w.jsonl line 3: time_limt is not a known field"
        ),
        (
            "{\"submit\": 0, \"gpus\": 1, \"runtime\": 9, \"priority\": \"vip\"}",
            "w.jsonl line 3: priority 'vip' is not one of"
        ),
        ("{\"submit\": 0, \"gpus\": 12, \"runtime\": 9, \"nodes\": 5}", "w.jsonl line 3: nodes 12 GPUs do not divide"),
        (
            "{\"submit\": 0, \"gpus\": 1, \"runtime\": 9, \"team\": \"\"}",
            "w.jsonl line 3: team must be 1 to 128 characters"
        ),
        ("{\"submit\": 0, \"submit\": 1, \"gpus\": 1, \"runtime\": 9}", "w.jsonl line 3: submit appears twice"),
        ("{\"submit\": 0, \"gpus\": 1, \"runtime\": 9", "w.jsonl line 3: not a JSON object: expected ',' or '}'"),
        ("{\"submit\": 0, \"gpus\": [1], \"runtime\": 9}", "w.jsonl line 3: not a JSON object: nested objects"),
        ("submit=0", "w.jsonl line 3: not a JSON object: expected '{' at column 1"),
    ])
    func badLinesNameFileLineAndField(line: String, message: String) throws {
        let path = try InputFixtures.file("w.jsonl", "# ok\n{\"submit\": 0, \"gpus\": 1, \"runtime\": 10}\n\(line)\n")
        let text = InputFixtures.errorText { _ = try JSONLWorkload.load(path: path) }
        #expect(text.hasPrefix(message), "\(text)")
    }

    @Test func writingIntoAMissingFolderSaysWhere() {
        #expect(throws: TraceError.self) {
            try JSONLWorkload.write(Workload(name: "w", jobs: []), to: "/nonexistent/folder/w.jsonl")
        }
    }
}
