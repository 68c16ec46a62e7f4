import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Starts a job's process in its own process group, without a shell, and signals the group.
public enum ProcessLauncher {
    /// Why a process could not start.
    public struct LaunchError: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Spawns `argv` in `workdir` with exactly `environment`, stdin from /dev/null and stdout+stderr appended to
    /// `output`, as the leader of a new process group. Returns the pid (= the group id).
    public static func spawn(
        argv: [String], workdir: String, environment: [String: String], output: String
    ) throws(LaunchError) -> pid_t {
        guard let program = argv.first, !program.isEmpty else { throw LaunchError(message: "empty command") }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        posix_spawnattr_setpgroup(&attributes, 0)
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGCHLD, SIGUSR1, SIGUSR2, SIGALRM] {
            sigaddset(&defaults, signal)
        }
        posix_spawnattr_setsigdefault(&attributes, &defaults)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // The job must not inherit the agent's sockets and files (nor keep them open after the agent dies).
        if let closeFrom = Self.addCloseFrom {
            _ = closeFrom(&actions, 3)
        } else {
            let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
            for fd in open.compactMap(Int32.init) where fd > 2 {
                posix_spawn_file_actions_addclose(&actions, fd)
            }
        }
        var argv = argv
        if let addChdir = Self.addChdir {
            _ = addChdir(&actions, workdir)
        } else {
            // Older C libraries: coreutils env changes directory, then execs the program (still no shell).
            argv = ["/usr/bin/env", "-C", workdir, "--"] + argv
        }

        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for p in cArgs { free(p) }
            for p in cEnv { free(p) }
        }
        var pid: pid_t = 0
        // posix_spawnp searches the PATH of the job's environment when it has one.
        let result: Int32
        if argv[0] != program {
            result = posix_spawn(&pid, argv[0], &actions, &attributes, cArgs, cEnv)
        } else if program.contains("/") {
            result = posix_spawn(&pid, program, &actions, &attributes, cArgs, cEnv)
        } else if let resolved = resolve(program, path: environment["PATH"]) {
            result = posix_spawn(&pid, resolved, &actions, &attributes, cArgs, cEnv)
        } else {
            result = ENOENT
        }
        guard result == 0 else {
            throw LaunchError(message: "cannot start \(program) in \(workdir): \(String(cString: strerror(result)))")
        }
        return pid
    }

    private typealias AddChdir =
        @convention(c) (
            UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>
        ) -> Int32

    /// glibc's `posix_spawn_file_actions_addchdir_np` (2.29+), which Swift's Glibc module does not import.
    private static let addChdir: AddChdir? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addchdir_np")
        else { return nil }
        return unsafeBitCast(symbol, to: AddChdir.self)
    }()

    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+).
    private static let addCloseFrom: AddCloseFrom? = {
        guard
            let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
        else { return nil }
        return unsafeBitCast(symbol, to: AddCloseFrom.self)
    }()

    /// Sends `signal` to the whole process group `group`.
    public static func signalGroup(_ group: pid_t, _ signal: Int32) {
        _ = kill(-group, signal)
    }

    private static func resolve(_ program: String, path: String?) -> String? {
        let dirs = (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":")
        for dir in dirs {
            let candidate = "\(dir)/\(program)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }
}
