import MusterAPI

/// A plain text table with left-aligned columns, for the CLI's human output.
struct TextTable {
    var header: [String]
    var rows: [[String]] = []

    init(_ header: [String]) { self.header = header }

    /// Adds a row; control characters (terminal escapes in a job name) are shown, not acted on.
    mutating func add(_ row: [String]) { rows.append(row.map(Terminal.safe)) }

    var text: String { lines.joined(separator: "\n") }

    /// The table as lines (each ending in a newline), with or without its header line.
    func render(header showHeader: Bool) -> String {
        let all = lines
        return (showHeader ? all : Array(all.dropFirst())).map { $0 + "\n" }.joined()
    }

    private var lines: [String] {
        var widths = header.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                i == cells.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        return [line(header)] + rows.map(line)
    }
}
