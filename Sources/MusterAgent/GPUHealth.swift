import Foundation

/// The agent's own GPU health check, beside the operator's script: `nvidia-smi` queried for each GPU's
/// uncorrectable ECC errors and temperature. A GPU missing from the answer has fallen off the bus; an
/// `nvidia-smi` that fails says why in its first line ("GPU is lost"). Any of these drains the node.
/// XID events live in the kernel log, which the agent does not read (an operator script can: `dmesg | grep Xid`).
public enum GPUHealth {
    /// The query the agent runs.
    static let arguments = [
        "--query-gpu=index,uuid,ecc.errors.uncorrected.volatile.total,temperature.gpu",
        "--format=csv,noheader,nounits",
    ]

    /// Hottest a GPU may run before its node is drained (H100 SXM slows itself down near 90 °C).
    public static let maxTemperature = 90

    /// Why the GPUs are unhealthy, or nil: from `nvidia-smi`'s exit status and output, against the GPUs the agent
    /// found when it started.
    public static func assess(status: Int32, output: String, expected: [String]) -> String? {
        let lines = output.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        guard status == 0 else {
            return "nvidia-smi failed (exit \(status))" + (lines.first.map { ": \($0.prefix(200))" } ?? "")
        }
        var problems: [String] = []
        var seen: Set<String> = []
        for line in lines where !line.isEmpty {
            let fields = line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count >= 4 else { continue }
            let (index, uuid) = (fields[0], fields[1])
            seen.insert(uuid)
            if let ecc = Int(fields[2]), ecc > 0 {
                problems.append("GPU \(index): \(ecc) uncorrectable ECC error\(ecc == 1 ? "" : "s")")
            }
            if let temperature = Int(fields[3]), temperature >= maxTemperature {
                problems.append("GPU \(index) at \(temperature) °C (limit \(maxTemperature))")
            }
        }
        let lost = expected.filter { !seen.contains($0) }
        if !lost.isEmpty {
            problems.append(
                "\(lost.count) GPU\(lost.count == 1 ? "" : "s") fell off the bus (\(lost.joined(separator: ", ")))")
        }
        return problems.isEmpty ? nil : problems.joined(separator: "; ")
    }

    /// Runs the query: why the GPUs are unhealthy, or nil (healthy, or no `nvidia-smi` on the PATH).
    static func check(expected: [String]) -> String? {
        guard let (status, output) = NvidiaSMI.run(arguments, withErrors: true) else { return nil }
        return assess(status: status, output: output, expected: expected)
    }
}
