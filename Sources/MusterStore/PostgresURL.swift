import Foundation
import PostgresNIO

/// Where a PostgreSQL store lives, parsed from `postgres://USER:PASSWORD@HOST:PORT/DATABASE` (or `postgresql://`).
/// The port defaults to 5432 and the database to the user's name; `?host=/run/postgresql` connects through the
/// server's Unix socket in that directory instead of TCP. TLS as libpq's `sslmode`: `disable`, `prefer` (the
/// default: TLS when the server offers it), `require` (TLS, the certificate not checked unless `sslrootcert`
/// names a root), `verify-ca` (signed by a trusted root) and `verify-full` (and issued for the host);
/// `sslrootcert=FILE` names the PEM roots to trust (default: the system's); `sslcert=FILE&sslkey=FILE` present a
/// client certificate (the server's `cert` authentication: no password).
public struct PostgresURL: Sendable, Hashable, CustomStringConvertible {
    public var user: String
    public var password: String?
    /// The TCP host, or the directory of the server's Unix socket when `socketDirectory` is set.
    public var host: String
    public var port: Int
    public var database: String
    /// The directory holding the server's socket `.s.PGSQL.<port>`, from `?host=/dir`.
    public var socketDirectory: String?
    /// TLS over TCP (`sslmode`); not used through a Unix socket.
    public var tls: TLSMode = .prefer
    /// PEM file of the roots to trust (`sslrootcert`); nil: the system's.
    public var rootCertificate: String?
    /// PEM files of the client's certificate and its private key (`sslcert`, `sslkey`), presented to the server.
    public var clientCertificate: String?
    public var clientKey: String?

    /// libpq's `sslmode`s.
    public enum TLSMode: String, Sendable, Hashable, CaseIterable {
        case disable
        case prefer
        case require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

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
            case ("sslmode", let mode):
                guard let tls = TLSMode(rawValue: mode) else {
                    throw StoreError(
                        "the PostgreSQL URL asks for sslmode=\(mode.prefix(40)); use one of "
                            + TLSMode.allCases.map(\.rawValue).joined(separator: ", "))
                }
                self.tls = tls
            case ("sslrootcert", let file) where file.hasPrefix("/"):
                rootCertificate = file
            case ("sslcert", let file) where file.hasPrefix("/"):
                clientCertificate = file
            case ("sslkey", let file) where file.hasPrefix("/"):
                clientKey = file
            case ("sslrootcert", _), ("sslcert", _), ("sslkey", _):
                throw StoreError("the PostgreSQL URL's \(item.name) must be an absolute path to a PEM file")
            default:
                throw StoreError(
                    "the PostgreSQL URL has an unknown parameter '\(item.name.prefix(40))': only host=/socket/dir, "
                        + "sslmode, sslrootcert, sslcert and sslkey are understood")
            }
        }
        if (clientCertificate == nil) != (clientKey == nil) {
            throw StoreError("the PostgreSQL URL needs both sslcert and sslkey to present a client certificate")
        }
        if clientCertificate != nil && tls == .disable {
            throw StoreError("the PostgreSQL URL presents a client certificate (sslcert) but asks for sslmode=disable")
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
        var query = socketDirectory.map { ["host=\($0)"] } ?? []
        if tls != .prefer { query.append("sslmode=\(tls.rawValue)") }
        for (name, file) in [("sslrootcert", rootCertificate), ("sslcert", clientCertificate), ("sslkey", clientKey)] {
            guard let file else { continue }
            query.append(name + "=" + (file.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? ""))
        }
        let tail = query.isEmpty ? "" : "?" + query.joined(separator: "&")
        return "postgres://\(user)\(password ?? "")@\(host):\(port)/\(database)\(tail)"
    }

    /// The TLS settings of `sslmode`, `sslrootcert`, `sslcert` and `sslkey`; nil: plain text. As libpq, `require`
    /// with a root file checks the chain (as `verify-ca`). Throws when the client certificate cannot be read.
    func tlsConfiguration() throws -> TLSConfiguration? {
        guard tls != .disable else { return nil }
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch tls {
        case .disable, .prefer, .require:
            configuration.certificateVerification =
                tls == .require && rootCertificate != nil ? .noHostnameVerification : .none
        case .verifyCA:
            configuration.certificateVerification = .noHostnameVerification
        case .verifyFull:
            configuration.certificateVerification = .fullVerification
        }
        if let rootCertificate { configuration.trustRoots = .file(rootCertificate) }
        if let clientCertificate, let clientKey {
            configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(clientCertificate).map {
                .certificate($0)
            }
            // Read as PEM whatever the file is called (`.file` goes by the name's extension).
            configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: clientKey, format: .pem))
        }
        return configuration
    }

    /// The configuration of the connection pool.
    func clientConfiguration() throws -> PostgresClient.Configuration {
        if let socketDirectory {
            return PostgresClient.Configuration(
                unixSocketPath: "\(socketDirectory)/.s.PGSQL.\(port)", username: user, password: password,
                database: database)
        }
        let tls: PostgresClient.Configuration.TLS =
            switch (self.tls, try tlsConfiguration()) {
            case (.prefer, let configuration?): .prefer(configuration)
            case (_, let configuration?): .require(configuration)
            case (_, nil): .disable
            }
        return PostgresClient.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: tls)
    }

    /// The configuration of a single connection (migrations, the leader's session); throws when the TLS
    /// settings cannot be used (an unreadable root file).
    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        if let socketDirectory {
            return PostgresConnection.Configuration(
                unixSocketPath: "\(socketDirectory)/.s.PGSQL.\(port)", username: user, password: password,
                database: database)
        }
        var tls = PostgresConnection.Configuration.TLS.disable
        if let configuration = try tlsConfiguration() {
            let context = try NIOSSLContext(configuration: configuration)
            tls = self.tls == .prefer ? .prefer(context) : .require(context)
        }
        return PostgresConnection.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: tls)
    }

    /// `text` with any password replaced by `***`.
    static func redacted(_ text: String) -> String {
        guard var url = URLComponents(string: text), url.password != nil else { return text }
        url.password = "***"
        return url.string ?? text
    }
}
