import ArgumentParser

/// `host:port` as typed on the command line.
struct ListenAddress {
    var host: String
    var port: Int

    init(_ text: String) throws {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let port = Int(parts[1]), (0...65_535).contains(port) else {
            throw ValidationError("--listen takes HOST:PORT, e.g. 127.0.0.1:7420; got '\(text)'")
        }
        host = String(parts[0])
        self.port = port
    }
}
