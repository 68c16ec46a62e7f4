import MusterCore

/// A named cluster to simulate: `philly`, `openb`, `superpod:N` or `colossus:N` (N GPUs).
public enum ClusterPreset: Sendable, Hashable, CustomStringConvertible {
    /// Microsoft Philly as in the Helios simulator: 352 nodes x 8 GPUs in 11 leaf blocks of 32 nodes.
    case philly
    /// Alibaba PAI 2023 "openb": 1,213 GPU nodes (6,212 GPUs, mixed models and sizes), leaf blocks of 32 nodes.
    case openb
    /// NVIDIA DGX SuperPOD style: 8-GPU nodes, 32-node scalable units (leaf), 8 units per spine group.
    case superpod(gpus: Int)
    /// xAI Colossus style: 8-GPU nodes, 32-node leaf blocks, 16 leaves per spine group.
    case colossus(gpus: Int)
    /// GB200 NVL72 racks: 4-GPU compute trays (nodes), 18 per rack (the leaf block, one NVLink domain), 16 racks
    /// per spine group.
    case nvl72(gpus: Int)

    /// The accepted `--cluster` forms, for help texts and error messages.
    public static let forms =
        "philly, openb, superpod:N, colossus:N (N GPUs, a multiple of 8; 100k and 1M work) or nvl72:N (a multiple of 4)"

    /// Parses a `--cluster` argument.
    public static func parse(_ text: String) throws(TraceError) -> ClusterPreset {
        let parts = text.lowercased().split(separator: ":", maxSplits: 1).map(String.init)
        switch (parts.first ?? "", parts.count) {
        case ("philly", 1): return .philly
        case ("openb", 1): return .openb
        case ("superpod", 2): return .superpod(gpus: try gpuCount(parts[1], in: text))
        case ("colossus", 2): return .colossus(gpus: try gpuCount(parts[1], in: text))
        case ("nvl72", 2): return .nvl72(gpus: try gpuCount(parts[1], in: text, perNode: 4))
        default: throw .badArgument("unknown cluster '\(text)'; use \(forms)")
        }
    }

    private static func gpuCount(_ text: String, in whole: String, perNode: Int = 8) throws(TraceError) -> Int {
        var digits = Substring(text)
        var scale = 1
        if digits.hasSuffix("k") {
            scale = 1_000
            digits = digits.dropLast()
        } else if digits.hasSuffix("m") {
            scale = 1_000_000
            digits = digits.dropLast()
        }
        guard let n = Int(digits.replacing("_", with: "")) else {
            throw .badArgument("cluster '\(whole)': '\(text)' is not a GPU count; use \(forms)")
        }
        let (gpus, overflow) = n.multipliedReportingOverflow(by: scale)
        guard !overflow, gpus > 0, gpus % perNode == 0 else {
            throw .badArgument(
                "cluster '\(whole)': the GPU count must be a positive multiple of \(perNode) (\(perNode)-GPU nodes), "
                    + "got \(text)")
        }
        guard gpus <= 4_000_000 else {
            throw .badArgument("cluster '\(whole)': \(gpus) GPUs is more than the 4M supported")
        }
        return gpus
    }

    /// The canonical `--cluster` spelling, e.g. `colossus:1000000`.
    public var description: String {
        switch self {
        case .philly: "philly"
        case .openb: "openb"
        case .superpod(let gpus): "superpod:\(gpus)"
        case .colossus(let gpus): "colossus:\(gpus)"
        case .nvl72(let gpus): "nvl72:\(gpus)"
        }
    }

    /// The layout. `traceDirectory` is needed for `openb` (its node list); for `philly` it supplies the VC table
    /// that names the nodes (`philly-<vc>-<i>`); without it the 352 nodes are `philly-<i>`.
    public func layout(traceDirectory: String? = nil) throws(TraceError) -> ClusterLayout {
        switch self {
        case .philly:
            guard let traceDirectory else {
                return Self.fatTree(
                    nodes: 352, gpuModel: .v100, nodesPerLeaf: 32, leavesPerSpine: nil, prefix: "philly")
            }
            return try Self.philly(virtualClusters: PhillyTrace.virtualClusters(traceDirectory: traceDirectory))
        case .openb:
            guard let traceDirectory else { throw .badArgument("cluster openb needs the trace directory") }
            return try OpenbTrace.nodes(traceDirectory: traceDirectory)
        case .superpod(let gpus):
            return Self.fatTree(
                nodes: gpus / 8, gpuModel: .h100, nodesPerLeaf: 32, leavesPerSpine: 8, prefix: "superpod")
        case .colossus(let gpus):
            return Self.fatTree(
                nodes: gpus / 8, gpuModel: .h100, nodesPerLeaf: 32, leavesPerSpine: 16, prefix: "colossus")
        case .nvl72(let gpus):
            return Self.fatTree(
                nodes: gpus / 4, gpuModel: .gb200, nodesPerLeaf: 18, leavesPerSpine: 16, prefix: "nvl72", gpus: 4)
        }
    }

    /// The indexed cluster.
    public func cluster(traceDirectory: String? = nil) throws -> Cluster {
        try Cluster(layout: try layout(traceDirectory: traceDirectory))
    }

    /// The cluster as the partitions it is scheduled in, the default first. `philly` with its VC table: one
    /// partition per virtual cluster (the largest first, the default for jobs of VCs the table lacks), as Philly
    /// and Helios's simulator ran it; every other preset, or `pooled`: one partition of all nodes.
    public func partitions(traceDirectory: String? = nil, pooled: Bool = false) throws -> [ClusterPartition] {
        guard case .philly = self, let traceDirectory, !pooled else {
            return [ClusterPartition(name: "all", cluster: try cluster(traceDirectory: traceDirectory))]
        }
        return try Self.phillyPartitions(
            virtualClusters: try PhillyTrace.virtualClusters(traceDirectory: traceDirectory))
    }

    /// Philly's VCs (names and node counts) as one partition each, the largest first; or, `pooled`, as one.
    public static func phillyPartitions(virtualClusters: [(name: String, nodes: Int)], pooled: Bool = false) throws
        -> [ClusterPartition]
    {
        if pooled {
            return [
                ClusterPartition(name: "all", cluster: try Cluster(layout: philly(virtualClusters: virtualClusters)))
            ]
        }
        let largestFirst = virtualClusters.indices.sorted { a, b in
            virtualClusters[a].nodes != virtualClusters[b].nodes
                ? virtualClusters[a].nodes > virtualClusters[b].nodes : a < b
        }
        return try largestFirst.map { i in
            let vc = virtualClusters[i]
            return ClusterPartition(name: vc.name, cluster: try Cluster(layout: Self.philly(virtualClusters: [vc])))
        }
    }

    /// Philly's 8-GPU V100 nodes named `philly-<vc>-<i>` after the VC table (file order), in leaf blocks of 32.
    static func philly(virtualClusters: [(name: String, nodes: Int)]) -> ClusterLayout {
        var specs: [ClusterLayout.NodeSpec] = []
        for (vc, count) in virtualClusters {
            for i in 0..<count {
                specs.append(.init(name: "philly-\(vc)-\(i)", gpus: 8, path: [specs.count / 32]))
            }
        }
        return ClusterLayout(gpuModels: [.v100], levelNames: ["leaf"], nodes: specs)
    }

    /// 8-GPU nodes under leaf switches, optionally grouped under spines.
    static func fatTree(
        nodes: Int, gpuModel: GPUModel, nodesPerLeaf: Int, leavesPerSpine: Int?, prefix: String, gpus: Int = 8
    ) -> ClusterLayout {
        var specs: [ClusterLayout.NodeSpec] = []
        specs.reserveCapacity(nodes)
        for i in 0..<nodes {
            let leaf = i / nodesPerLeaf
            let path = leavesPerSpine.map { [leaf, leaf / $0] } ?? [leaf]
            specs.append(.init(name: "\(prefix)-\(i)", gpus: gpus, path: path))
        }
        return ClusterLayout(
            gpuModels: [gpuModel], levelNames: leavesPerSpine == nil ? ["leaf"] : ["leaf", "spine"], nodes: specs)
    }
}
