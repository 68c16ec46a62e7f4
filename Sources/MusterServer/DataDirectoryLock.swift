import MusterStore

#if canImport(Glibc)
    import Glibc
#endif

/// An exclusive `flock` on `<data>/controller.lock`: a second controller on the same data directory is refused
/// at start instead of running beside the first. The kernel drops the lock when the process dies, kill -9 too.
final class DataDirectoryLock: Sendable {
    let fd: Int32

    init(directory: String) throws(StoreError) {
        let path = directory + "/controller.lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw StoreError("cannot open \(path): \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw StoreError(
                "the data directory \(directory) is in use by another controller (\(path) is locked); stop it or "
                    + "pass another --data")
        }
        self.fd = fd
    }

    deinit { close(fd) }
}
