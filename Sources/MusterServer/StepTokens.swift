import Crypto
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The step tokens srun uses from inside a job: `ms_<job>_<epoch>_<HMAC-SHA256(key, "<job>:<epoch>")>`. Each
/// running attempt's ranks get theirs as `MUSTER_STEP_TOKEN`; it lets its holder launch and watch steps of that
/// attempt of that job, and nothing else. Derived, not stored: the key lives in the data directory (`step.key`,
/// 0600), so tokens survive a controller restart, and an attempt's token dies with the attempt (the lifecycle
/// refuses steps for another epoch).
struct StepTokens: Sendable {
    /// The HMAC key's 32 bytes.
    private let secret: Data
    private var key: SymmetricKey { SymmetricKey(data: secret) }

    /// The key of `dataDir/step.key`, created on first use; an in-memory key when the file cannot be kept (tokens
    /// then end with the process).
    init(dataDir: String) {
        let path = dataDir + "/step.key"
        if let data = FileManager.default.contents(atPath: path), data.count == 32 {
            secret = data
            return
        }
        let fresh = SymmetricKey(size: .bits256)
        let bytes = fresh.withUnsafeBytes { Data($0) }
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        if fd >= 0 {
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            close(fd)
            if written != bytes.count { unlink(path) }
        }
        secret = bytes
    }

    /// The token of attempt `epoch` of job `job`.
    func token(job: Int64, epoch: Int) -> String {
        "ms_\(job)_\(epoch)_" + mac(job: job, epoch: epoch)
    }

    /// The job and epoch a valid step token names, or nil (not a step token, or forged).
    func verify(_ token: String) -> (job: Int64, epoch: Int)? {
        guard token.hasPrefix("ms_"), token.utf8.count <= 128 else { return nil }
        let parts = token.dropFirst(3).split(separator: "_")
        guard parts.count == 3, let job = Int64(parts[0]), let epoch = Int(parts[1]) else { return nil }
        guard let given = Data(hex: parts[2]),
            HMAC<SHA256>.isValidAuthenticationCode(given, authenticating: Data("\(job):\(epoch)".utf8), using: key)
        else { return nil }
        return (job, epoch)
    }

    private func mac(job: Int64, epoch: Int) -> String {
        HMAC<SHA256>.authenticationCode(for: Data("\(job):\(epoch)".utf8), using: key)
            .map { String(format: "%02x", $0) }.joined()
    }
}

extension Data {
    /// Bytes from lowercase or uppercase hex digits; nil when not hex.
    fileprivate init?(hex: Substring) {
        guard hex.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(hex.count / 2)
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        self.init(bytes)
    }
}
