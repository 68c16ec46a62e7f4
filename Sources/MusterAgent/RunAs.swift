import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Who a job's processes run as. A root agent runs each job as its submitting user (resolved by name on this
/// host, as Slurm does): `setpriv` switches uid, gid and supplementary groups before the program starts. An agent
/// that is not root runs everything as itself.
struct RunAs: Sendable {
    var user: String
    var uid: uid_t
    var gid: gid_t
    var home: String

    /// Why a job cannot run as its user here.
    struct Refusal: Error, CustomStringConvertible {
        var description: String
    }

    /// The identity for `user`, or nil when the agent is not root (then jobs run as the agent's user).
    static func resolve(_ user: String) throws(Refusal) -> RunAs? {
        guard geteuid() == 0 else { return nil }
        guard !user.isEmpty else {
            throw Refusal(description: "the job has no owner; a root agent runs no job as root by default")
        }
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16_384)
        guard getpwnam_r(user, &entry, &buffer, buffer.count, &result) == 0, result != nil else {
            throw Refusal(
                description: "user '\(user)' does not exist on this node; create it (same name on every node)")
        }
        return RunAs(user: user, uid: entry.pw_uid, gid: entry.pw_gid, home: String(cString: entry.pw_dir))
    }

    /// `argv` wrapped so it runs as this user (nothing to wrap for root).
    func wrap(_ argv: [String]) -> [String] {
        guard uid != 0 else { return argv }
        return ["/usr/bin/setpriv", "--reuid=\(uid)", "--regid=\(gid)", "--init-groups", "--"] + argv
    }
}
