import Foundation
import MusterCore
import Testing

@testable import MusterSim

@Suite struct ClusterPresetTests {
    @Test(arguments: [
        ("colossus:1M", 125_000, 3_907, 245),
        ("colossus:100k", 12_500, 391, 25),
        ("superpod:100k", 12_500, 391, 49),
        ("superpod:256", 32, 1, 1),
        ("SuperPOD:4_096", 512, 16, 2),
    ])
    func fatTreePresetsHaveTheAdvertisedShape(text: String, nodes: Int, leaves: Int, spines: Int) throws {
        let cluster = try ClusterPreset.parse(text).cluster()
        #expect(cluster.nodeCount == nodes)
        #expect(cluster.totalGPUs == nodes * 8)
        #expect(cluster.levelNames == ["leaf", "spine", "cluster"])
        #expect(cluster.levelBlocks[0].count == leaves)
        #expect(cluster.levelBlocks[1].count == spines)
        #expect(cluster.gpuModels == [.h100])
    }

    @Test func nvl72RacksAreLeavesOf18FourGPUTrays() throws {
        let cluster = try ClusterPreset.parse("nvl72:7200").cluster()
        #expect(cluster.nodeCount == 1_800 && cluster.totalGPUs == 7_200 && cluster.maxGPUsPerNode == 4)
        #expect(cluster.levelBlocks[0].count == 100 && cluster.levelBlocks[1].count == 7)
        #expect(cluster.gpuModels == [.gb200])
        #expect(throws: TraceError.self) { try ClusterPreset.parse("nvl72:7202") }
    }

    @Test func phillyIs352EightGPUNodesIn11Leaves() throws {
        let cluster = try ClusterPreset.parse("philly").cluster()
        #expect(cluster.nodeCount == 352)
        #expect(cluster.totalGPUs == 2_816)
        #expect(cluster.levelBlocks[0].count == 11)
    }

    @Test(
        .enabled(
            if: InputFixtures.traceDirectory != nil, "no trace directory (../shared/data/traces or MUSTER_TRACE_DIR)"))
    func phillyIsElevenVirtualClustersLargestFirstUnlessPooled() throws {
        let partitions = try ClusterPreset.philly.partitions(traceDirectory: InputFixtures.traces)
        #expect(partitions.count == 11)
        #expect(partitions.map(\.cluster.nodeCount).reduce(0, +) == 352)
        #expect(partitions[0].name == "6214e9" && partitions[0].cluster.nodeCount == 64)
        #expect(partitions.map(\.cluster.nodeCount) == partitions.map(\.cluster.nodeCount).sorted(by: >))
        #expect(partitions.allSatisfy { $0.cluster.nodeNames.allSatisfy { $0.hasPrefix("philly-") } })
        let pooled = try ClusterPreset.philly.partitions(traceDirectory: InputFixtures.traces, pooled: true)
        #expect(pooled.count == 1 && pooled[0].cluster.nodeCount == 352)
        #expect(try ClusterPreset.parse("superpod:1024").partitions().count == 1)
    }

    @Test(
        .enabled(
            if: InputFixtures.traceDirectory != nil, "no trace directory (../shared/data/traces or MUSTER_TRACE_DIR)"))
    func phillyNodesAreNamedAfterTheirVirtualCluster() throws {
        let layout = try ClusterPreset.philly.layout(traceDirectory: InputFixtures.traces)
        #expect(layout.nodes.count == 352)
        #expect(layout.nodes.first?.name == "philly-6214e9-0")
        #expect(layout.nodes[64].name == "philly-7f04ca-0")
        #expect(layout.nodes.last?.name == "philly-0e4a51-31")
        #expect(Set(layout.nodes.map { $0.path[0] }).count == 11)
    }

    @Test(
        .enabled(
            if: InputFixtures.traceDirectory != nil, "no trace directory (../shared/data/traces or MUSTER_TRACE_DIR)"))
    func openbClusterComesFromTheNodeList() throws {
        let cluster = try ClusterPreset.parse("openb").cluster(traceDirectory: InputFixtures.traces)
        #expect(cluster.nodeCount == 1_213)
        #expect(cluster.totalGPUs == 6_212)
        #expect(cluster.levelBlocks[0].count == 38)
    }

    @Test(arguments: [
        ("superpod:12", "must be a positive multiple of 8"),
        ("colossus:0", "must be a positive multiple of 8"),
        ("colossus:-8", "must be a positive multiple of 8"),
        ("colossus:lots", "is not a GPU count"),
        ("colossus:99999999999999999m", "must be a positive multiple of 8"),
        ("superpod", "unknown cluster 'superpod'; use philly, openb, superpod:N, colossus:N"),
        ("mainframe", "unknown cluster 'mainframe'; use philly, openb, superpod:N, colossus:N"),
    ])
    func badClusterArgumentsExplainTheValidForms(text: String, message: String) {
        let text = InputFixtures.errorText { _ = try ClusterPreset.parse(text) }
        #expect(text.contains(message), "\(text)")
    }

    @Test func openbWithoutTraceDirectoryIsAnError() {
        #expect(throws: TraceError.self) { try ClusterPreset.openb.layout() }
    }
}
