import Dispatch

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Waits for SIGINT or SIGTERM without the default handler killing the process.
public enum SignalWaiter {
    /// Returns when one of `signals` arrives (true), or when the task is cancelled (false).
    @discardableResult
    public static func wait(for signals: [Int32] = [SIGINT, SIGTERM]) async -> Bool {
        let box = Once()
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                box.set(continuation)
                for number in signals {
                    signal(number, SIG_IGN)
                    let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                    source.setEventHandler { box.resume(signalled: true) }
                    source.resume()
                    box.keep(source, for: number)
                }
            }
        } onCancel: {
            box.resume(signalled: false)
        }
        return box.signalled
    }

    /// Every arrival of signal `number` (its default action off) until the consuming task is cancelled.
    public static func every(_ number: Int32) -> AsyncStream<Void> {
        AsyncStream { continuation in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield() }
            source.resume()
            let box = SourceBox(source)
            continuation.onTermination = { _ in box.source.cancel() }
        }
    }

    /// Resumes the continuation once (from a signal or from cancellation, whichever comes first, even before
    /// the continuation is set), and keeps the signal sources alive until then.
    private final class Once: @unchecked Sendable {
        private var continuation: CheckedContinuation<Void, Never>?
        private var done = false
        private(set) var signalled = false
        private var sources: [any DispatchSourceSignal] = []
        private var numbers: [Int32] = []
        private let lock = NSLockLike()

        func set(_ continuation: CheckedContinuation<Void, Never>) {
            let resumeNow = lock.withLock {
                if done { return true }
                self.continuation = continuation
                return false
            }
            if resumeNow { continuation.resume() }
        }

        func keep(_ source: any DispatchSourceSignal, for number: Int32) {
            lock.withLock {
                sources.append(source)
                numbers.append(number)
            }
        }

        func resume(signalled: Bool) {
            let c: CheckedContinuation<Void, Never>? = lock.withLock {
                if done { return nil }
                done = true
                self.signalled = signalled
                let c = continuation
                continuation = nil
                // The next such signal acts as usual again (a second Ctrl-C ends a shutdown that hangs).
                for source in sources { source.cancel() }
                for number in numbers { signal(number, SIG_DFL) }
                return c
            }
            c?.resume()
        }
    }
}

/// Holds a signal source for a `Sendable` closure (cancelling a source is thread-safe).
private final class SourceBox: @unchecked Sendable {
    let source: any DispatchSourceSignal
    init(_ source: any DispatchSourceSignal) { self.source = source }
}

/// A pthread mutex.
final class NSLockLike: @unchecked Sendable {
    private var mutex = pthread_mutex_t()

    init() { pthread_mutex_init(&mutex, nil) }

    deinit { pthread_mutex_destroy(&mutex) }

    func withLock<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return body()
    }
}
