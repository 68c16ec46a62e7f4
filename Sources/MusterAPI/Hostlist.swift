/// Slurm's compressed host lists (`gpu[01-04,07]`), as in `SLURM_JOB_NODELIST` and `scontrol show hostnames`.
///
/// Names that end in digits are grouped by prefix (and width, where zero padding fixes one; the padding is kept),
/// runs become ranges; other names stand alone. Groups keep the order of their first name.
public enum Hostlist {
    /// `["gpu01", "gpu02", "gpu03", "gpu07", "login"]` → `gpu[01-03,07],login`.
    public static func compress(_ names: [String]) -> String {
        var order: [String] = []
        var groups: [String: (prefix: Substring, width: Int, numbers: [Int])] = [:]
        for name in names {
            let digits = name.reversed().prefix { $0.isASCII && $0.isNumber }.count
            // Up to 18 digits (an Int); longer numbers stand alone.
            guard digits > 0, digits <= 18, let number = Int(name.suffix(digits)) else {
                if groups[name] == nil {
                    groups[name] = (Substring(name), 0, [])
                    order.append(name)
                }
                continue
            }
            let prefix = name.dropLast(digits)
            // Zero padding (`gpu01`) fixes the width; plain numbers (`n1`, `n10`) share one group, or join a padded
            // group of their width (`n10` with `n01`).
            let padded = name.suffix(digits).first == "0" && digits > 1
            var key = "\(prefix)\u{0}\(padded ? digits : 0)"
            if !padded, groups["\(prefix)\u{0}\(digits)"] != nil { key = "\(prefix)\u{0}\(digits)" }
            if groups[key] == nil {
                groups[key] = (prefix, padded ? digits : 0, [])
                order.append(key)
            }
            groups[key]!.numbers.append(number)
        }
        return order.map { key in
            let group = groups[key]!
            guard !group.numbers.isEmpty else { return String(group.prefix) }
            let numbers = Array(Set(group.numbers)).sorted()
            func padded(_ n: Int) -> String {
                let s = String(n)
                return String(repeating: "0", count: max(0, group.width - s.count)) + s
            }
            if numbers.count == 1 { return "\(group.prefix)\(padded(numbers[0]))" }
            var ranges: [String] = []
            var start = numbers[0]
            var end = numbers[0]
            for n in numbers.dropFirst() + [Int.min] {
                if n == end + 1 {
                    end = n
                    continue
                }
                ranges.append(start == end ? padded(start) : "\(padded(start))-\(padded(end))")
                start = n
                end = n
            }
            return "\(group.prefix)[\(ranges.joined(separator: ","))]"
        }.joined(separator: ",")
    }

    /// `gpu[01-03,07],login` → `["gpu01", "gpu02", "gpu03", "gpu07", "login"]`; nil when malformed or when it
    /// would name more than `limit` hosts.
    public static func expand(_ text: String, limit: Int = 1 << 20) -> [String]? {
        var out: [String] = []
        var i = text.startIndex
        while i < text.endIndex {
            // One item: up to a comma outside brackets.
            var j = i
            var depth = 0
            while j < text.endIndex {
                if text[j] == "[" { depth += 1 }
                if text[j] == "]" { depth -= 1 }
                if text[j] == ",", depth == 0 { break }
                j = text.index(after: j)
            }
            let item = text[i..<j]
            guard !item.isEmpty else { return nil }
            if let open = item.firstIndex(of: "["), item.last == "]" {
                let prefix = item[..<open]
                for part in item[item.index(after: open)..<item.index(before: item.endIndex)].split(separator: ",") {
                    let ends = part.split(separator: "-", omittingEmptySubsequences: false)
                    guard ends.count <= 2, let low = Int(ends[0]), let high = Int(ends.last!), low <= high,
                        high - low < limit - out.count
                    else { return nil }
                    let width = ends[0].count
                    for n in low...high {
                        let s = String(n)
                        out.append(prefix + String(repeating: "0", count: max(0, width - s.count)) + s)
                    }
                }
            } else {
                guard !item.contains("["), !item.contains("]") else { return nil }
                out.append(String(item))
            }
            guard out.count <= limit else { return nil }
            i = j < text.endIndex ? text.index(after: j) : j
        }
        return out
    }
}
