import Dispatch

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Waits for SIGINT or SIGTERM without the default handler killing the process.
enum SignalWaiter {
    /// Returns when one of `signals` arrives.
    static func wait(for signals: [Int32] = [SIGINT, SIGTERM]) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let box = Once(continuation)
            for number in signals {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { box.resume() }
                source.resume()
                box.keep(source)
            }
        }
    }

    /// Resumes the continuation once, and keeps the signal sources alive.
    private final class Once: @unchecked Sendable {
        private var continuation: CheckedContinuation<Void, Never>?
        private var sources: [any DispatchSourceSignal] = []
        private let lock = NSLockLike()

        init(_ continuation: CheckedContinuation<Void, Never>) { self.continuation = continuation }

        func keep(_ source: any DispatchSourceSignal) {
            lock.withLock { sources.append(source) }
        }

        func resume() {
            let c = lock.withLock {
                let c = continuation
                continuation = nil
                return c
            }
            c?.resume()
        }
    }
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
