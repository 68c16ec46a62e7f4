#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A one-line progress bar on standard error, drawn only when standard error is a terminal.
final class ProgressBar: @unchecked Sendable {
    private let label: String
    private let enabled: Bool
    private var lastPercent = -1

    init(label: String) {
        self.label = label
        enabled = isatty(2) != 0
    }

    func update(_ done: Int, of total: Int) {
        guard enabled, total > 0 else { return }
        let percent = done * 100 / total
        guard percent != lastPercent else { return }
        lastPercent = percent
        let filled = percent * 30 / 100
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: 30 - filled)
        printError("\r\(label) [\(bar)] \(percent)% (\(done)/\(total))", terminator: "")
    }

    func finish() {
        guard enabled, lastPercent >= 0 else { return }
        printError("\r\u{1B}[2K", terminator: "")
    }
}

/// Prints to standard error.
func printError(_ message: String, terminator: String = "\n") {
    var text = message + terminator
    text.withUTF8 { bytes in
        var offset = 0
        while offset < bytes.count {
            let written = write(2, bytes.baseAddress! + offset, bytes.count - offset)
            if written <= 0 { break }
            offset += written
        }
    }
}
