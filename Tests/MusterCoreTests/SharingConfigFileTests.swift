import MusterCore
import Testing

@Suite struct SharingConfigFileTests {
    @Test func aFullFileSetsClassesTeamsWeightsAndSwitches() throws {
        let policy = try SharingConfigFile.parse(
            """
            # a comment
            [scheduler]
            lending = true
            preemption = false
            checkpoint_interval = 900

            [priority]
            fair_share_weight = 5_000
            half_life = 86400

            [class.urgent]
            rank = 10
            may_preempt = true
            aliases = ["critical", "p0"]  # trailing comment
            [class.batch]
            rank = 1
            min_runtime = 120
            grace = 60

            [team.vision]
            borrow_limit = 16
            [team.vision/detection]
            guarantee = 32
            lend_limit = 8
            [team.nlp]
            guarantee = 64
            guarantee.h100 = 16
            guarantee."A100 80GB" = 8
            """)
        #expect(policy.teams.first { $0.name == "nlp" }?.modelGuarantees == ["h100": 16, "A100 80GB": 8])
        #expect(policy.preemption == false && policy.lending && policy.checkpointInterval == 900)
        #expect(policy.weights.fairShare == 5_000 && policy.weights.halfLife == 86_400 && policy.weights.age == 1_000)
        #expect(policy.classes.map(\.name) == ["urgent", "batch"])
        #expect(policy.classNamed("P0")?.name == "urgent" && policy.classNamed("research") == nil)
        #expect(policy.classes[1].minRuntime == 120 && policy.classes[1].grace == 60)
        #expect(policy.teams.map(\.name) == ["nlp", "vision", "vision/detection"])
        let quotas = Quotas(policy: policy, totalGPUs: 128)
        #expect(quotas.guarantee[quotas.names.firstIndex(of: "vision")!] == 32)
        #expect(quotas.borrowLimit[quotas.names.firstIndex(of: "vision")!] == 16)
        #expect(quotas.names[quotas.team(named: "detection")] == "vision/detection")
    }

    @Test func anEmptyFileKeepsTheDefaults() throws {
        #expect(try SharingConfigFile.parse("") == SharingPolicy())
    }

    @Test(arguments: [
        ("[scheduler]\nlending = maybe", 2, "maybe is not a number"),
        ("[scheduler]\nspeed = 1", 2, "unknown key speed in [scheduler]"),
        ("[teams.x]", 1, "unknown table [teams.x]"),
        ("[team.a]\nguarantee = -1", 2, "guarantee must be a whole number from 0"),
        ("[team.a]\nguarantee = 1.5", 2, "guarantee must be a whole number"),
        ("[team.org]\nguarantee = 8\n[team.org/a]\nguarantee = 8", 1, "headroom belong to teams, not orgs"),
        ("[team.org]\nguarantee.h100 = 8\n[team.org/a]", 1, "guarantees and headroom belong to teams, not orgs"),
        ("[team.a]\nguarantee.h100 = lots", 2, "lots is not a number"),
        ("[team.a]\nguarantee. = 8", 2, "unknown key"),
        ("[class.a]\nrank = 1\n[class.b]\nrank = 1", 3, "class b has the same rank (1) as a"),
        ("[class.a]\nrank = 1\naliases = [\"b\"]\n[class.b]\nrank = 2", 4, "the name b is used by two classes"),
        ("[class.A]", 1, "a class name is"),
        ("[team.a//b]", 1, "a team is a path"),
        ("lending = true", 1, "outside any table"),
        ("[scheduler]\n[scheduler]", 2, "appears twice"),
        ("[class.x]\ngrace = 1e9", 2, "grace must be a number from 0 to 86400"),
    ])
    func aBadFileIsRefusedWithTheLineAndTheReason(text: String, line: Int, reason: String) {
        do {
            _ = try SharingConfigFile.parse(text)
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.line == line, "\(error)")
            #expect(error.reason.contains(reason), "\(error)")
        }
    }
}
