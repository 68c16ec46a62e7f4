import ArgumentParser
import Foundation
import Logging
import MusterServer
import MusterStore

/// Opening and serving a controller, with errors a person can act on.
enum ServerStartup {
    static func open(config: ControllerConfig, logger: Logger, store: (any Store)? = nil) async throws
        -> ControllerServer
    {
        do {
            return try await ControllerServer(config: config, logger: logger, store: store)
        } catch {
            printError("muster: cannot start the controller: \(error)")
            throw ExitCode(1)
        }
    }

    /// Serves until SIGTERM/SIGINT (or cancellation when `handleSignals` is false).
    static func serve(
        _ server: ControllerServer, address: ListenAddress, handleSignals: Bool = true,
        onReady: @escaping @Sendable (Int) async -> Void
    ) async throws {
        do {
            try await server.run(
                host: address.host, port: address.port, handleSignals: handleSignals, onReady: onReady)
        } catch {
            let text = "\(error)"
            if text.contains("Address already in use") || text.contains("EADDRINUSE") {
                printError(
                    "muster: \(address.host):\(address.port) is in use (another controller?); stop it or pass "
                        + "--listen \(address.host):PORT")
                throw ExitCode(1)
            }
            throw error
        }
    }
}
