import ArgumentParser
import Foundation

/// Polls `condition` every 200 ms until it holds; after `timeout` seconds, fails naming `what` for `program`
/// ("muster bench serve: no 4 agents up within 60 s").
func waitUntil(_ program: String, _ what: String, timeout: Double, _ condition: () async throws -> Bool) async throws {
    let deadline = Date().addingTimeInterval(timeout)
    while !(try await condition()) {
        guard Date() < deadline else { throw ValidationError("\(program): no \(what) within \(Int(timeout)) s") }
        try await Task.sleep(for: .milliseconds(200))
    }
}
