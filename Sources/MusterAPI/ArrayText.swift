import MusterCore

/// sbatch's `--array` text: indices `0-999`, `1,3,5-7`, `0-15:4` (a step), with an optional cap on tasks running
/// at once, `%50`. Bounded before anything is expanded: at most `maxTasks` indices, each 0 to `maxIndex`.
public enum ArrayText {
    public static let maxTasks = ArrayTask.maxTasks
    public static let maxIndex = ArrayTask.maxIndex

    /// The indices (ascending, distinct) and the cap.
    public static func parse(_ text: String) throws(ArrayTextError) -> (indices: [Int], cap: Int?) {
        var body = Substring(text)
        var cap: Int?
        if let percent = body.firstIndex(of: "%") {
            guard let c = Int(body[body.index(after: percent)...]), c >= 1, c <= maxTasks else {
                throw ArrayTextError("'\(text)': the cap after % must be 1 to \(maxTasks)")
            }
            cap = c
            body = body[..<percent]
        }
        var indices = Set<Int>()
        for item in body.split(separator: ",", omittingEmptySubsequences: false) {
            var range = item
            var step = 1
            if let colon = item.firstIndex(of: ":") {
                guard let s = Int(item[item.index(after: colon)...]), s >= 1, s <= maxIndex else {
                    throw ArrayTextError("'\(item)': the step after : must be 1 to \(maxIndex)")
                }
                step = s
                range = item[..<colon]
            }
            let ends = range.split(separator: "-", omittingEmptySubsequences: false)
            guard ends.count <= 2, let low = Int(ends[0]), let high = Int(ends.count == 2 ? ends[1] : ends[0]),
                low >= 0, high >= low, high <= maxIndex
            else {
                throw ArrayTextError("'\(item)': give N, N-M or N-M:STEP with 0 <= N <= M <= \(maxIndex)")
            }
            guard (high - low) / step + 1 + indices.count <= maxTasks else {
                throw ArrayTextError("'\(text)': at most \(maxTasks) tasks in one array")
            }
            for i in stride(from: low, through: high, by: step) { indices.insert(i) }
        }
        return (indices.sorted(), cap)
    }
}

/// Why `--array` text could not be read.
public struct ArrayTextError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}
