import Foundation

/// A small self-contained SVG line chart: axes, ticks, one polyline (more with a legend). No scripts, no external
/// assets.
struct SVGLineChart {
    var title: String
    var xLabel: String
    var yLabel: String
    var points: [(x: Double, y: Double)]
    var logX = false
    var yMax: Double? = nil
    var color = "#2563eb"
    var width = 720.0
    var height = 280.0
    /// The main line's name in the legend (shown when there are `more` lines).
    var label = ""
    /// More lines on the same axes, each with its legend name and colour.
    var more: [(label: String, color: String, points: [(x: Double, y: Double)])] = []
    /// Mark each point with a dot (few points, e.g. one per cluster size).
    var dots = false

    func render() -> String {
        let left = 64.0
        let right = 16.0
        // A legend sits between the title and the plot, one line per series; the chart grows to hold it.
        let legend = more.isEmpty ? 0 : 14 * Double(more.count + 1)
        let top = 32.0 + legend
        let height = self.height + legend
        let bottom = 44.0
        let plotW = width - left - right
        let plotH = height - top - bottom
        func tx(_ x: Double) -> Double { logX ? log10(max(x, 1)) : x }
        let all = points + more.flatMap(\.points)
        let xs = all.map { tx($0.x) }
        let xMin = xs.min() ?? 0
        let xMax = max((xs.max() ?? 1), xMin + 1e-9)
        // The y axis ends on a round number: a multiple of a 1-2-2.5-5 step, about four steps up.
        let yData = max(yMax ?? (all.map(\.y).max() ?? 1), 1e-9)
        let yStep = Self.niceStep(yData / 4)
        let yTop = yMax ?? (yData / yStep).rounded(.up) * yStep
        func px(_ x: Double) -> Double { left + (tx(x) - xMin) / (xMax - xMin) * plotW }
        func py(_ y: Double) -> Double { top + plotH - y / yTop * plotH }
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(fmt(width)) \(fmt(height))" \
            width="\(fmt(width))" height="\(fmt(height))" font-family="sans-serif" font-size="11">
            <text x="\(fmt(left))" y="18" font-size="13" font-weight="bold">\(escapeHTML(title))</text>
            <rect x="\(fmt(left))" y="\(fmt(top))" width="\(fmt(plotW))" height="\(fmt(plotH))" fill="#f8fafc" \
            stroke="#cbd5e1"/>

            """
        var y = 0.0
        while y <= yTop * (1 + 1e-9) {
            svg += """
                <line x1="\(fmt(left))" x2="\(fmt(left + plotW))" y1="\(fmt(py(y)))" y2="\(fmt(py(y)))" \
                stroke="#e2e8f0"/><text x="\(fmt(left - 6))" y="\(fmt(py(y) + 4))" text-anchor="end">\
                \(tick(y))</text>

                """
            y += yStep
        }
        // x ticks: powers of ten on a log axis, else round steps; each label sits under its value.
        var xTicks: [Double] = []
        if logX {
            var k = xMin.rounded(.up)
            while k <= xMax + 1e-9 {
                xTicks.append(k)
                k += 1
            }
        }
        if xTicks.count < 2 {
            xTicks = []
            let step = Self.niceStep((xMax - xMin) / 5)
            var v = (xMin / step).rounded(.up) * step
            while v <= xMax + 1e-9 {
                xTicks.append(v)
                v += step
            }
        }
        for v in xTicks {
            let x = left + (v - xMin) / (xMax - xMin) * plotW
            let label = logX ? tick(pow(10, v)) : tick(v)
            svg += """
                <text x="\(fmt(x))" y="\(fmt(top + plotH + 16))" text-anchor="middle">\(label)</text>

                """
        }
        for (i, line) in ([(label: label, color: color, points: points)] + more).enumerated() {
            let path = line.points.map { "\(fmt(px($0.x))),\(fmt(py($0.y)))" }.joined(separator: " ")
            svg += "<polyline fill=\"none\" stroke=\"\(line.color)\" stroke-width=\"1.5\" points=\"\(path)\"/>\n"
            if dots {
                for p in line.points {
                    svg += "<circle cx=\"\(fmt(px(p.x)))\" cy=\"\(fmt(py(p.y)))\" r=\"3\" fill=\"\(line.color)\"/>\n"
                }
            }
            if !more.isEmpty {
                let y = 32.0 + 10 + Double(i) * 14
                svg += """
                    <rect x="\(fmt(left + 8))" y="\(fmt(y - 8))" width="10" height="3" fill="\(line.color)"/>\
                    <text x="\(fmt(left + 22))" y="\(fmt(y - 4))">\(escapeHTML(line.label))</text>

                    """
            }
        }
        svg += """
            <text x="\(fmt(left + plotW / 2))" y="\(fmt(height - 6))" text-anchor="middle">\(escapeHTML(xLabel))</text>
            <text x="14" y="\(fmt(top + plotH / 2))" text-anchor="middle" \
            transform="rotate(-90 14 \(fmt(top + plotH / 2)))">\(escapeHTML(yLabel))</text>
            </svg>
            """
        return svg
    }

    private func fmt(_ x: Double) -> String { String(format: "%.1f", x) }

    /// The smallest 1, 2, 2.5 or 5 times a power of ten that is at least `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let power = pow(10, (log10(raw)).rounded(.down))
        for m in [1, 2, 2.5, 5, 10] where m * power >= raw * (1 - 1e-9) { return m * power }
        return 10 * power
    }

    private func tick(_ v: Double) -> String {
        let a = abs(v)
        if a >= 1_000_000 { return String(format: "%.1fM", v / 1_000_000) }
        if a >= 10_000 { return String(format: "%.0fk", v / 1_000) }
        if a >= 100 || v == v.rounded() { return String(format: "%.0f", v) }
        return String(format: "%.2f", v)
    }
}

/// Escapes text for HTML/SVG.
func escapeHTML(_ s: String) -> String {
    s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
}
