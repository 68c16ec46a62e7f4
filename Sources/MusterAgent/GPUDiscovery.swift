import Foundation
import MusterAPI

/// Finds a node's GPUs: `nvidia-smi` when it works, else none (or `fake` made-up ones).
public enum GPUDiscovery {
    /// The query the agent runs.
    public static let arguments = [
        "--query-gpu=index,name,memory.total,uuid", "--format=csv,noheader,nounits",
    ]

    /// `fake` made-up GPUs when given, else what `nvidia-smi` reports, else none.
    public static func discover(fake: Int?) -> [GPUInfo] {
        if let fake { return fakeGPUs(fake) }
        guard let output = runNvidiaSMI() else { return [] }
        return (try? parse(output)) ?? []
    }

    /// `count` GPUs named `FakeGPU` with 80 GiB each.
    public static func fakeGPUs(_ count: Int) -> [GPUInfo] {
        (0..<max(0, count)).map { GPUInfo(index: $0, model: "FakeGPU", memoryMib: 81_920, uuid: "GPU-fake-\($0)") }
    }

    /// Parses `nvidia-smi --query-gpu=index,name,memory.total,uuid --format=csv,noheader,nounits` output.
    public static func parse(_ text: String) throws(GPUDiscoveryError) -> [GPUInfo] {
        var gpus: [GPUInfo] = []
        for (n, line) in text.split(whereSeparator: \.isNewline).enumerated() {
            let fields = line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count >= 4, let index = Int(fields[0]) else {
                throw .badLine(n + 1, String(line))
            }
            gpus.append(
                GPUInfo(index: index, model: fields[1], memoryMib: Int(fields[2]) ?? 0, uuid: fields[3]))
        }
        return gpus
    }

    /// True when `nvidia-smi` is on the PATH and lists at least one GPU.
    public static var hasNvidiaGPUs: Bool { !discover(fake: nil).isEmpty }

    private static func runNvidiaSMI() -> String? {
        guard let (status, output) = NvidiaSMI.run(arguments, withErrors: false), status == 0 else { return nil }
        return output
    }
}

/// `nvidia-smi` printed something the agent cannot read.
public enum GPUDiscoveryError: Error, Sendable, Equatable, CustomStringConvertible {
    case badLine(Int, String)

    public var description: String {
        switch self {
        case .badLine(let n, let line): "nvidia-smi line \(n) is not 'index, name, memory, uuid': \(line)"
        }
    }
}
