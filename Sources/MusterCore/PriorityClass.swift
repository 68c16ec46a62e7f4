/// A named priority band. Higher `rank` is scheduled first; within a band, older jobs go first.
public struct PriorityClass: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// The class name users type (`low`, `normal`, `high`, `critical`) or a custom name.
    public var name: String
    /// Ordering weight: higher runs first.
    public var rank: Int

    public init(name: String, rank: Int) {
        self.name = name
        self.rank = rank
    }

    public static let low = PriorityClass(name: "low", rank: 0)
    public static let normal = PriorityClass(name: "normal", rank: 100)
    public static let high = PriorityClass(name: "high", rank: 200)
    public static let critical = PriorityClass(name: "critical", rank: 300)

    /// The built-in classes, lowest first.
    public static let builtIn: [PriorityClass] = [.low, .normal, .high, .critical]

    /// Looks up a built-in class by name, or nil if the name is unknown.
    public static func named(_ name: String) -> PriorityClass? {
        builtIn.first { $0.name == name.lowercased() }
    }

    public static func < (lhs: PriorityClass, rhs: PriorityClass) -> Bool { lhs.rank < rhs.rank }

    public var description: String { name }
}
