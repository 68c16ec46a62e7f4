import ArgumentParser
import Foundation
import MusterClient

/// Options every command that talks to a controller takes.
struct ClientOptions: ParsableArguments {
    @Option(name: .customLong("url"), help: "Controller URL (default: $MUSTER_URL, else http://127.0.0.1:7420).")
    var url: String?

    @Option(help: "API token (default: $MUSTER_TOKEN, else the file $MUSTER_TOKEN_FILE, else .muster/token).")
    var token: String?

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    var resolvedURL: String {
        url ?? ProcessInfo.processInfo.environment["MUSTER_URL"] ?? "http://127.0.0.1:7420"
    }

    /// The token: --token, $MUSTER_TOKEN, the file named by $MUSTER_TOKEN_FILE, or `muster up`'s `.muster/token`.
    var resolvedToken: String? {
        if let token { return token }
        let env = ProcessInfo.processInfo.environment
        if let token = env["MUSTER_TOKEN"], !token.isEmpty { return token }
        for path in [env["MUSTER_TOKEN_FILE"], ".muster/token"].compactMap({ $0 }) {
            if let text = try? String(contentsOfFile: path, encoding: .utf8) {
                return text.trimmingCharacters(in: .whitespacesAndNewlines)
            }
        }
        return nil
    }

    /// Runs `body` with a client and closes it afterwards; client errors become a clean exit with the message.
    func withClient<T>(_ body: (MusterClient) async throws -> T) async throws -> T {
        let client = MusterClient(baseURL: resolvedURL, token: resolvedToken, connections: 2)
        do {
            let result = try await body(client)
            await client.shutdown()
            return result
        } catch let error as ClientError {
            await client.shutdown()
            printError("muster: \(error)")
            throw ExitCode(2)
        } catch {
            await client.shutdown()
            throw error
        }
    }
}

/// Prints a value as JSON (sorted keys, pretty) on stdout.
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}
