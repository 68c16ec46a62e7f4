import Foundation

/// Reads and writes time limits the way Slurm users type them: `90` (minutes), `90m`, `2h`, `1d`, `30s`,
/// `1:30:00`, `45:00` (minutes:seconds), `2-12` or `2-12:00:00` (days-hours...).
public enum TimeLimitText {
    /// Seconds for `text`, or an error that says which forms work.
    public static func parse(_ text: String) throws(TimeLimitError) -> Int64 {
        let s = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard !s.isEmpty else { throw .invalid(text) }
        if let unit = s.last, "smhd".contains(unit), let value = Double(s.dropLast()), value > 0 {
            let factor: Double =
                switch unit {
                case "s": 1
                case "m": 60
                case "h": 3600
                default: 86_400
                }
            return Int64((value * factor).rounded(.up))
        }
        if let minutes = Int64(s) {
            guard minutes > 0 else { throw .invalid(text) }
            return minutes * 60
        }
        var days: Int64 = 0
        var rest = Substring(s)
        if let dash = s.firstIndex(of: "-") {
            guard let d = Int64(s[..<dash]), d >= 0 else { throw .invalid(text) }
            days = d
            rest = s[s.index(after: dash)...]
        }
        let parts = rest.split(separator: ":", omittingEmptySubsequences: false).map { Int64($0) }
        guard !parts.isEmpty, parts.allSatisfy({ $0 != nil && $0! >= 0 }) else { throw .invalid(text) }
        let p = parts.map { $0! }
        let seconds: Int64
        switch (days > 0 || s.contains("-"), p.count) {
        case (false, 2): seconds = p[0] * 60 + p[1]
        case (false, 3): seconds = p[0] * 3600 + p[1] * 60 + p[2]
        case (true, 1): seconds = p[0] * 3600
        case (true, 2): seconds = p[0] * 3600 + p[1] * 60
        case (true, 3): seconds = p[0] * 3600 + p[1] * 60 + p[2]
        default: throw .invalid(text)
        }
        let total = days * 86_400 + seconds
        guard total > 0 else { throw .invalid(text) }
        return total
    }

    /// `1h30m`, `45s`, `2d3h`.
    public static func format(_ seconds: Int64) -> String {
        var left = seconds
        var out = ""
        for (unit, size) in [("d", Int64(86_400)), ("h", 3600), ("m", 60)] where left >= size {
            out += "\(left / size)\(unit)"
            left %= size
        }
        if left > 0 || out.isEmpty { out += "\(left)s" }
        return out
    }
}

/// A time limit that could not be read.
public enum TimeLimitError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalid(String)

    public var description: String {
        switch self {
        case .invalid(let text):
            "time limit '\(text)' not understood; use 90 (minutes), 30s, 90m, 2h, 1d, 1:30:00, 45:00 or 2-12:00:00"
        }
    }
}
