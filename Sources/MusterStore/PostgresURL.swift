import Foundation
import PostgresNIO

/// Where a PostgreSQL store lives, parsed from `postgres://USER:PASSWORD@HOST:PORT/DATABASE` (or `postgresql://`).
/// The port defaults to 5432 and the database to the user's name; `?host=/run/postgresql` connects through the
/// server's Unix socket in that directory instead of TCP. TLS is not supported yet: `sslmode` may only be `disable`.
public struct PostgresURL: Sendable, Hashable, CustomStringConvertible {
    public var user: String
    public var password: String?
    /// The TCP host, or the directory of the server's Unix socket when `socketDirectory` is set.
    public var host: String
    public var port: Int
    public var database: String
    /// The directory holding the server's socket `.s.PGSQL.<port>`, from `?host=/dir`.
    public var socketDirectory: String?

    /// Whether `text` names a PostgreSQL store rather than a file.
    public static func isPostgres(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Parses and checks `text`; the error says what is wrong and what the URL should look like.
    public init(_ text: String) throws(StoreError) {
        let shape = "expected postgres://USER:PASSWORD@HOST:PORT/DATABASE"
        guard Self.isPostgres(text), let url = URLComponents(string: text) else {
            throw StoreError("'\(Self.redacted(text))' is not a PostgreSQL URL: \(shape)")
        }
        guard let user = url.percentEncodedUser.flatMap({ $0.removingPercentEncoding }), !user.isEmpty else {
            throw StoreError("the PostgreSQL URL '\(Self.redacted(text))' names no user: \(shape)")
        }
        self.user = user
        password = url.percentEncodedPassword.flatMap { $0.removingPercentEncoding }
        port = url.port ?? 5432
        guard (1...65_535).contains(port) else {
            throw StoreError("the PostgreSQL URL '\(Self.redacted(text))' has port \(port), not within 1-65535")
        }
        let path = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
        guard !path.contains("/") else {
            throw StoreError("the PostgreSQL URL '\(Self.redacted(text))' names database '\(path)': \(shape)")
        }
        database = path.isEmpty ? user : path
        host = url.host ?? ""
        for item in url.queryItems ?? [] {
            switch (item.name, item.value ?? "") {
            case ("host", let dir) where dir.hasPrefix("/"):
                socketDirectory = dir
            case ("sslmode", "disable"):
                break
            case ("sslmode", let mode):
                throw StoreError(
                    "the PostgreSQL URL asks for sslmode=\(mode): Muster does not speak TLS to PostgreSQL yet; use "
                        + "sslmode=disable on a trusted network, or reach the server through its Unix socket "
                        + "(?host=/run/postgresql)")
            default:
                throw StoreError(
                    "the PostgreSQL URL has an unknown parameter '\(item.name)': only host=/socket/dir and "
                        + "sslmode=disable are understood")
            }
        }
        if socketDirectory == nil && host.isEmpty {
            throw StoreError("the PostgreSQL URL '\(Self.redacted(text))' names no host: \(shape)")
        }
    }

    /// The URL without its password, for logs and messages.
    public var description: String {
        if let socketDirectory {
            return "postgres://\(user)@:\(port)/\(database)?host=\(socketDirectory)"
        }
        return "postgres://\(user)@\(host):\(port)/\(database)"
    }

    /// This URL as text, password included (for handing to a process; never log it: use `description`).
    public var connectionString: String {
        let password = self.password.map {
            ":" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0)
        }
        let user = self.user.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? self.user
        let socket = socketDirectory.map { "?host=\($0)" } ?? ""
        return "postgres://\(user)\(password ?? "")@\(host):\(port)/\(database)\(socket)"
    }

    /// The configuration of the connection pool.
    var clientConfiguration: PostgresClient.Configuration {
        if let socketDirectory {
            return PostgresClient.Configuration(
                unixSocketPath: "\(socketDirectory)/.s.PGSQL.\(port)", username: user, password: password,
                database: database)
        }
        return PostgresClient.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: .disable)
    }

    /// The configuration of a single connection (migrations, the leader's session).
    var connectionConfiguration: PostgresConnection.Configuration {
        if let socketDirectory {
            return PostgresConnection.Configuration(
                unixSocketPath: "\(socketDirectory)/.s.PGSQL.\(port)", username: user, password: password,
                database: database)
        }
        return PostgresConnection.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: .disable)
    }

    /// `text` with any password replaced by `***`.
    static func redacted(_ text: String) -> String {
        guard var url = URLComponents(string: text), url.password != nil else { return text }
        url.password = "***"
        return url.string ?? text
    }
}
