import Foundation
import MusterAPI
import MusterClient
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// True when this process may create real Unix users (root with useradd): the run-as-user tests need it.
let canCreateUsers = geteuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/useradd")

/// Creates a Unix user with a home directory unless it exists.
func ensureUser(_ name: String) throws {
    if getpwnam(name) != nil { return }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/sbin/useradd")
    process.arguments = ["--create-home", "--shell", "/bin/sh", name]
    try process.run()
    process.waitUntilExit()
    guard getpwnam(name) != nil else { throw LiveCluster.Timeout(description: "useradd \(name) failed") }
}

extension EndToEnd {
    @Suite struct Users {
        @Test(.enabled(if: canCreateUsers, "needs root and useradd to create real users"))
        func aJobRunsAsItsUserWhoAloneSeesItsJobAndLogs() async throws {
            try ensureUser("muster-alice")
            try ensureUser("muster-bob")
            try await withCluster { cluster in
                let alice = cluster.client(token: try await cluster.client.createToken(user: "muster-alice").token)
                let bob = cluster.client(token: try await cluster.client.createToken(user: "muster-bob").token)
                defer {
                    Task {
                        await alice.shutdown()
                        await bob.shutdown()
                    }
                }
                let id = try await alice.submit(
                    SubmitRequest(
                        gpus: 1, command: ["/bin/sh", "-c", "id -un; echo home=$HOME; touch $MUSTER_CHECKPOINT_DIR/x"],
                        workdir: "/tmp"))
                let job = try await cluster.waitForJob(id, ["completed", "failed"])
                #expect(job.state == "completed", "\(job.reason ?? "")")
                #expect(job.owner == "muster-alice")
                var text = ""
                var offset: Int64 = 0
                while true {
                    let chunk = try await alice.logs(id, offset: offset)
                    text += chunk.data
                    if chunk.nextOffset == offset { break }
                    offset = chunk.nextOffset
                }
                #expect(text.contains("muster-alice\n"), "\(text)")
                #expect(text.contains("home=/home/muster-alice"), "\(text)")
                // Bob neither sees, reads nor cancels it.
                #expect(try await bob.jobs().isEmpty)
                for call in [
                    { _ = try await bob.job(id) }, { _ = try await bob.logs(id) }, { _ = try await bob.cancel(id) },
                ] as [() async throws -> Void] {
                    do {
                        try await call()
                        Issue.record("bob reached alice's job")
                    } catch let error as ClientError {
                        #expect(error.status == 403)
                    }
                }
            }
        }
    }
}
