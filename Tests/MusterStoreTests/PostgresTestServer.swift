import Foundation
import Logging
import PostgresNIO
import Testing

@testable import MusterStore

/// The PostgreSQL server the tests use: `MUSTER_TEST_POSTGRES` (a superuser's URL, which `.ci/run` exports after
/// starting a throwaway server with `.ci/postgres.sh`). Without it the tests skip, except in CI (`CI=true`), where
/// they run and fail, so that a CI that lost its server cannot pass by skipping.
enum PostgresTestServer {
    static let url = ProcessInfo.processInfo.environment["MUSTER_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
    static let inCI = ProcessInfo.processInfo.environment["CI"] == "true"
    /// The client certificate and key `.ci/postgres.sh` made for role muster_cert, beside the server's root.
    static let clientCertificate: (certificate: String, key: String)? = {
        guard let url, let root = try? PostgresURL(url).rootCertificate else { return nil }
        let dir = (root as NSString).deletingLastPathComponent
        let pair = (dir + "/client.crt", dir + "/client.key")
        return FileManager.default.fileExists(atPath: pair.0) ? pair : nil
    }()

    /// Whether the PostgreSQL tests run: a server is named, or this is CI (where a missing one fails them).
    static let enabled = url != nil || inCI
    static let skipMessage = Comment(
        rawValue: "no PostgreSQL server: set MUSTER_TEST_POSTGRES=postgres://USER:PASSWORD@HOST:PORT/postgres (a "
            + "superuser), or start one with `.ci/postgres.sh start /tmp/muster-pg`")

    /// The logger the stores under test get (warnings and worse only).
    static var logger: Logger {
        var logger = Logger(label: "muster.test.postgres")
        logger.logLevel = .warning
        return logger
    }

    /// Runs `body` with the URL of a new, empty database, dropped afterwards.
    static func withDatabase(owner: String? = nil, _ body: (String) async throws -> Void) async throws {
        guard let url else {
            Issue.record("CI=true but MUSTER_TEST_POSTGRES is not set: .ci/run should have started PostgreSQL")
            return
        }
        let admin = try PostgresURL(url)
        let name = "muster_test_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased())"
        try await execute("CREATE DATABASE \(name)" + (owner.map { " OWNER \($0)" } ?? ""), on: admin)
        var database = admin
        database.database = name
        do {
            try await body(database.connectionString)
        } catch {
            try? await execute("DROP DATABASE \(name) WITH (FORCE)", on: admin)
            throw error
        }
        try await execute("DROP DATABASE \(name) WITH (FORCE)", on: admin)
    }

    /// Runs one statement on its own connection.
    static func execute(_ sql: String, on url: PostgresURL) async throws {
        let connection = try await PostgresConnection.connect(
            configuration: try url.connectionConfiguration(), id: 1, logger: logger)
        do {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
    }
}
