/// A self-contained HTML page of how figures grow with one quantity (cluster size): a table and line charts,
/// one per figure group (`muster bench control-plane --html`).
public struct GrowthReport: Sendable {
    /// The page style of the growth and plan reports: wide tables of figures beside their charts.
    static let style = """
        <style>
        body { font-family: system-ui, sans-serif; margin: 24px; color: #0f172a; max-width: 1400px; }
        table { border-collapse: collapse; margin-bottom: 16px; font-size: 13px; }
        th, td { padding: 4px 8px; border-bottom: 1px solid #e2e8f0; text-align: right; }
        th { color: #475569; font-weight: 600; }
        figure { margin: 0 0 16px 0; display: inline-block; }
        p { max-width: 900px; }
        </style>
        """

    /// One chart: lines of (x, y) points on shared axes.
    public struct Chart: Sendable {
        public var title: String
        public var yLabel: String
        public var lines: [(label: String, points: [(x: Double, y: Double)])]

        public init(title: String, yLabel: String, lines: [(label: String, points: [(x: Double, y: Double)])]) {
            self.title = title
            self.yLabel = yLabel
            self.lines = lines
        }
    }

    public var title: String
    /// A sentence on what was measured and how.
    public var summary: String
    public var xLabel: String
    public var header: [String]
    public var rows: [[String]]
    public var charts: [Chart]

    public init(
        title: String, summary: String, xLabel: String, header: [String], rows: [[String]], charts: [Chart]
    ) {
        self.title = title
        self.summary = summary
        self.xLabel = xLabel
        self.header = header
        self.rows = rows
        self.charts = charts
    }

    static let colors = ["#2563eb", "#d97706", "#dc2626", "#16a34a", "#7c3aed"]

    /// The page.
    public func html() -> String {
        let svgs = charts.map { chart -> String in
            guard let first = chart.lines.first else { return "" }
            let more = chart.lines.dropFirst().enumerated().map { i, line in
                (label: line.label, color: Self.colors[(i + 1) % Self.colors.count], points: line.points)
            }
            return SVGLineChart(
                title: chart.title, xLabel: xLabel, yLabel: chart.yLabel, points: first.points, color: Self.colors[0],
                label: first.label, more: Array(more), dots: true
            ).render()
        }
        let table =
            "<tr>" + header.map { "<th>\(escapeHTML($0))</th>" }.joined() + "</tr>\n"
            + rows.map { "<tr>" + $0.map { "<td>\(escapeHTML($0))</td>" }.joined() + "</tr>" }.joined(separator: "\n")
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <title>\(escapeHTML(title))</title>
            \(GrowthReport.style)</head><body>
            <h1>\(escapeHTML(title))</h1>
            <p>\(escapeHTML(summary))</p>
            <table>
            \(table)
            </table>
            \(svgs.map { "<figure>\($0)</figure>" }.joined(separator: "\n"))
            </body></html>

            """
    }
}
