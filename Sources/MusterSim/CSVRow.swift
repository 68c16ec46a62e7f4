import MusterCore

/// One comma-separated row with typed field access whose errors name file, line and column.
struct CSVRow {
    let file: String
    let line: Int
    let fields: [Substring]
    let columns: [String]

    init(file: String, line: Int, text: Substring, columns: [String]) throws(TraceError) {
        self.file = file
        self.line = line
        self.columns = columns
        fields = text.split(separator: ",", omittingEmptySubsequences: false)
        guard fields.count == columns.count else {
            throw .badRow(
                file: file, line: line,
                message: "expected \(columns.count) comma-separated fields (\(columns.joined(separator: ","))), "
                    + "found \(fields.count)")
        }
    }

    func string(_ i: Int) -> Substring { fields[i] }

    func int(_ i: Int) throws(TraceError) -> Int {
        let text = fields[i]
        if let v = Int(text) { return v }
        if let d = Double(text), d.isFinite, d == d.rounded() { return Int(d) }
        throw .badField(file: file, line: line, field: columns[i], message: "'\(text)' is not an integer")
    }

    func double(_ i: Int) throws(TraceError) -> Double {
        let text = fields[i]
        guard let v = Double(text), v.isFinite else {
            throw .badField(file: file, line: line, field: columns[i], message: "'\(text)' is not a number")
        }
        return v
    }

    func fail(_ i: Int, _ message: String) -> TraceError {
        .badField(file: file, line: line, field: columns[i], message: message)
    }
}
