import Foundation
import Logging
import MusterCore
import PostgresNIO
import Testing

@testable import MusterStore

/// What only the PostgreSQL store does: its recorded migrations, concurrent openers, damaged rows, typed
/// connection errors, and the controller lease with its fencing.
@Suite(.enabled(if: PostgresTestServer.enabled, PostgresTestServer.skipMessage))
struct PostgresStoreTests {
    let logger = PostgresTestServer.logger

    @Test func schemaIsAtTheLastMigrationRecordedInTheDatabase() async throws {
        try await PostgresTestServer.withDatabase { url in
            let store = try await PostgresStore(url: url, logger: logger)
            #expect(try await store.schemaVersion() == "v7")
            let sqlite = try SQLiteFixture()
            #expect(try await SQLiteStore(path: sqlite.path).schemaVersion() == "v7")
            let recorded = try await store.pool.query("SELECT identifier FROM muster_migrations ORDER BY identifier")
                .decode(String.self).array()
            #expect(recorded == ["v1", "v2", "v3", "v4", "v5", "v6", "v7"])
        }
    }

    /// Migration `v7` marks live rows in SQL from the attempt's JSON, as SQLite's does from the record.
    @Test func v7MarksLiveRowsFromTheirRecords() async throws {
        try await PostgresTestServer.withDatabase { url in
            let store = try await PostgresStore(url: url, logger: logger)
            try await store.commit(StoreBatch(jobs: try StoreConformance.backfillJobs()))
            for sql in [
                "DROP INDEX job_idempotency", "ALTER TABLE job DROP COLUMN live",
                "DELETE FROM muster_migrations WHERE identifier = 'v7'",
            ] {
                try await store.pool.query(PostgresQuery(unsafeSQL: sql))
            }
            await store.close()
            let reopened = try await PostgresStore(url: url, logger: logger)
            #expect(try await reopened.load().jobs.map(\.id) == [1, 3, 4])
            await reopened.close()
        }
    }

    /// Controllers starting together on a new database: one migrates, the others wait for it, none fails.
    @Test func storesOpenedTogetherMigrateOnce() async throws {
        try await PostgresTestServer.withDatabase { url in
            let logger = self.logger
            let versions = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<6 {
                    group.addTask { try await PostgresStore(url: url, logger: logger).schemaVersion() }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(versions == Array(repeating: "v7", count: 6))
        }
    }

    @Test func damagedRowIsReportedNotFatal() async throws {
        try await PostgresTestServer.withDatabase { url in
            let store = try await PostgresStore(url: url, logger: logger)
            try await store.commit(
                StoreBatch(
                    jobs: StoreConformance.sampleJobs(), nodes: StoreConformance.sampleNodes(),
                    tokens: StoreConformance.sampleTokens()))
            for sql in [
                "UPDATE job SET live = TRUE", "UPDATE job SET spec = '{broken' WHERE id = 2",
                "UPDATE job SET state = 'exploded' WHERE id = 3",
                "UPDATE node SET health = 'sideways' WHERE name = 'gpu-001'",
                #"UPDATE token SET role = 'root' WHERE "user" = 'alice'"#,
            ] {
                try await store.pool.query(PostgresQuery(unsafeSQL: sql))
            }
            let state = try await store.load()
            #expect(state.jobs.map(\.id) == [1, 4, 5, 6])
            #expect(state.nodes.map(\.name) == ["cpu-1", "gpu-002", "gpu-003", "gpu-004"])
            #expect(state.tokens.count == 3)
            #expect(state.unreadable.count == 4)
            #expect(state.unreadable.contains { $0.hasPrefix("job 2") })
            #expect(state.unreadable.contains { $0.hasPrefix("node gpu-001") })
        }
    }

    /// The test server speaks TLS with a self-signed certificate for 127.0.0.1 (`.ci/postgres.sh`): verify-full
    /// and verify-ca with that root connect encrypted; the system's roots refuse it, with a message that says
    /// what to do; sslmode=disable connects in plain text.
    @Test(
        .enabled(
            if: PostgresTestServer.url?.contains("sslrootcert=") ?? false,
            "the test server has no TLS certificate (.ci/postgres.sh makes one when openssl is installed)"))
    func tlsIsUsedAndTheServersCertificateIsChecked() async throws {
        try await PostgresTestServer.withDatabase { url in
            let verified = try PostgresURL(url)
            #expect(verified.tls == .verifyFull && verified.rootCertificate != nil)
            let store = try await PostgresStore(url: url, logger: logger)
            #expect(try await Self.encrypted(store))
            await store.close()
            var plain = verified
            plain.tls = .disable
            let plainStore = try await PostgresStore(url: plain.connectionString, logger: logger)
            #expect(try await !Self.encrypted(plainStore))
            await plainStore.close()
            var untrusted = verified
            untrusted.rootCertificate = nil
            await #expect {
                _ = try await PostgresStore(url: untrusted.connectionString, logger: logger)
            } throws: { error in
                let message = (error as? StoreError)?.message ?? ""
                return message.contains("CERTIFICATE_VERIFY_FAILED") && message.contains("sslrootcert")
            }
            var caOnly = verified
            caOnly.tls = .verifyCA
            let caStore = try await PostgresStore(url: caOnly.connectionString, logger: logger)
            #expect(try await Self.encrypted(caStore))
            await caStore.close()
        }
    }

    /// A client certificate instead of a password: role muster_cert, which the server lets in by certificate
    /// only (`.ci/postgres.sh`), opens and migrates its database with `sslcert`/`sslkey`; without them it is
    /// refused.
    @Test(
        .enabled(
            if: PostgresTestServer.clientCertificate != nil,
            "the test server has no client certificate (.ci/postgres.sh makes one when openssl is installed)"))
    func aClientCertificateLogsInWithoutAPassword() async throws {
        let (certificate, key) = try #require(PostgresTestServer.clientCertificate)
        try await PostgresTestServer.withDatabase(owner: "muster_cert") { url in
            var byCertificate = try PostgresURL(url)
            byCertificate.user = "muster_cert"
            byCertificate.password = nil
            byCertificate.clientCertificate = certificate
            byCertificate.clientKey = key
            let store = try await PostgresStore(url: byCertificate.connectionString, logger: logger)
            let who = try await store.pool.query("SELECT current_user::text").decode(String.self).array()
            #expect(who == ["muster_cert"])
            #expect(try await Self.encrypted(store))
            await store.close()
            var without = byCertificate
            without.clientCertificate = nil
            without.clientKey = nil
            await #expect(throws: StoreError.self) {
                _ = try await PostgresStore(url: without.connectionString, logger: logger)
            }
        }
    }

    /// Whether the store's connection is encrypted, as the server sees it.
    static func encrypted(_ store: PostgresStore) async throws -> Bool {
        try await store.pool.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").decode(Bool.self)
            .array().first ?? false
    }

    /// A server that is not there, a wrong password and a missing database are typed errors that say what to do.
    @Test func unopenableStoresAreTypedErrors() async throws {
        let server = try PostgresURL(try #require(PostgresTestServer.url))
        var closed = server
        closed.port = try Self.closedPort()
        await #expect {
            _ = try await PostgresStore(url: closed.connectionString, logger: logger)
        } throws: { error in
            let error = try #require(error as? StoreError)
            return error.retryable && error.message.contains("check that the server runs")
                && !error.message.contains(server.password ?? "\u{0}")
        }
        var wrongPassword = server
        wrongPassword.password = "not-the-password"
        await #expect {
            _ = try await PostgresStore(url: wrongPassword.connectionString, logger: logger)
        } throws: { error in
            let error = try #require(error as? StoreError)
            return !error.retryable && error.message.contains("check the user and password")
        }
        var missing = server
        missing.database = "muster_no_such_database"
        await #expect {
            _ = try await PostgresStore(url: missing.connectionString, logger: logger)
        } throws: { error in
            let error = try #require(error as? StoreError)
            return error.message.contains("create the database first")
        }
    }

    /// Two controllers on one database: one takes the lease, the other cannot until it expires; the new leader's
    /// epoch is higher, and the old leader's fenced commits fail and write nothing.
    @Test func leaseIsExclusiveAndFencesTheDeposedLeader() async throws {
        try await PostgresTestServer.withDatabase { url in
            let first = try await PostgresStore(url: url, logger: logger)
            let second = try await PostgresStore(url: url, logger: logger)
            let lease1 = ControllerLease(store: first, address: "http://127.0.0.1:1", ttl: 1)
            let lease2 = ControllerLease(store: second, address: "http://127.0.0.1:2", ttl: 1)
            let epoch1 = try #require(try await lease1.tryAcquire())
            #expect(try await lease2.tryAcquire() == nil)
            #expect(try await lease1.renew(epoch: epoch1))
            first.fence(epoch: epoch1)
            try await first.commit(StoreBatch(jobs: [StoreConformance.job(id: 1, owner: "alice")]))
            #expect(try await lease2.current()?.address == "http://127.0.0.1:1")
            // The first leader stalls past its lease; the second takes over.
            try await Task.sleep(for: .milliseconds(1_300))
            let epoch2 = try #require(try await lease2.tryAcquire())
            #expect(epoch2 == epoch1 + 1)
            second.fence(epoch: epoch2)
            #expect(try await !lease1.renew(epoch: epoch1))
            await #expect(throws: StoreError.self) {
                try await first.commit(StoreBatch(jobs: [StoreConformance.job(id: 2, owner: "stale")]))
            }
            try await second.commit(StoreBatch(jobs: [StoreConformance.job(id: 3, owner: "bob")]))
            #expect(try await second.load().jobs.map(\.id) == [1, 3])
            #expect(
                try await lease1.current()
                    == .init(epoch: epoch2, holder: lease2.holder, address: "http://127.0.0.1:2", live: true))
            // A graceful stop hands the lease over at once.
            await lease2.release(epoch: epoch2)
            #expect(try await lease1.tryAcquire() == epoch2 + 1)
        }
    }

    /// A port on loopback that nothing listens on.
    static func closedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Parsing `--store postgres://...`: what is accepted, and what each mistake says. Needs no server.
@Suite struct PostgresURLTests {
    @Test func fullURLIsParsed() throws {
        let url = try PostgresURL("postgres://muster:p%40ss@db.example:6543/cluster")
        #expect(url.user == "muster")
        #expect(url.password == "p@ss")
        #expect(url.host == "db.example")
        #expect(url.port == 6543)
        #expect(url.database == "cluster")
        #expect(url.description == "postgres://muster@db.example:6543/cluster")
        #expect(try PostgresURL(url.connectionString) == url)
    }

    @Test func defaultsAndSocketDirectory() throws {
        let url = try PostgresURL("postgresql://alice@localhost")
        #expect(url.port == 5432 && url.database == "alice" && url.password == nil)
        let socket = try PostgresURL("postgres://alice@/muster?host=/run/postgresql")
        #expect(socket.socketDirectory == "/run/postgresql")
        #expect(socket.database == "muster")
    }

    @Test func tlsSettingsAreParsedAndKept() throws {
        #expect(try PostgresURL("postgres://u@db/x").tls == .prefer)
        let url = try PostgresURL(
            "postgres://u:pw@db:5433/x?sslmode=verify-full&sslrootcert=/etc/muster/ca%20roots.pem")
        #expect(url.tls == .verifyFull && url.rootCertificate == "/etc/muster/ca roots.pem")
        #expect(try PostgresURL(url.connectionString) == url)
        #expect(try PostgresURL("postgres://u@db/x?sslmode=disable").tlsConfiguration() == nil)
        let mutual = try PostgresURL("postgres://u@db/x?sslmode=verify-full&sslcert=/c.pem&sslkey=/k.pem")
        #expect(mutual.clientCertificate == "/c.pem" && mutual.clientKey == "/k.pem")
        #expect(try PostgresURL(mutual.connectionString) == mutual)
        let required = try #require(try PostgresURL("postgres://u@db/x?sslmode=require").tlsConfiguration())
        #expect(required.certificateVerification == .none)
        let checked = try #require(
            try PostgresURL("postgres://u@db/x?sslmode=require&sslrootcert=/ca.pem").tlsConfiguration())
        #expect(checked.certificateVerification == .noHostnameVerification, "libpq: require with a root checks it")
    }

    @Test func mistakesSayWhatIsWrong() {
        for (text, says) in [
            ("postgres://localhost/db", "names no user"),
            ("postgres://u:secret@localhost/db?sslmode=always", "use one of disable, prefer"),
            ("postgres://u:secret@localhost/db?sslrootcert=ca.pem", "absolute path"),
            ("postgres://u:secret@localhost/db?sslcert=/c.pem", "needs both sslcert and sslkey"),
            ("postgres://u@localhost/db?timeout=3", "unknown parameter 'timeout'"),
            ("postgres://u:secret@/db", "names no host"),
            ("mysql://u@localhost/db", "not a PostgreSQL URL"),
        ] {
            #expect {
                _ = try PostgresURL(text)
            } throws: { error in
                let message = (error as? StoreError)?.message ?? ""
                return message.contains(says) && !message.contains("secret")
            }
        }
    }
}
