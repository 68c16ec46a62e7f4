import Foundation
import Hummingbird
import Logging
import MusterAPI
import MusterStore
import ServiceLifecycle

/// A controller that shares a PostgreSQL store and does not lead: it listens on its address and answers every
/// request 503 `not_leader` (naming the leader's address, so that clients and agents try the next controller)
/// while it polls the lease; once the leader's lease expires (it died, or stopped) it takes the lease and returns
/// the new epoch, and the caller loads the state and leads, as a restarted controller would.
public struct StandbyServer: Sendable {
    public let lease: ControllerLease
    let logger: Logger
    /// How often the lease is tried.
    let poll: Duration

    public init(lease: ControllerLease, logger: Logger, poll: Duration = .milliseconds(250)) {
        self.lease = lease
        self.logger = logger
        self.poll = poll
    }

    /// Takes the lease at once if it is free; otherwise answers 503 on `host:port` until it can. `onReady` gets
    /// the port once the standby listens (not called when the lease was free). Throws when cancelled.
    public func waitForLease(
        host: String, port: Int, onReady: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws -> Int64 {
        if let epoch = try await lease.tryAcquire() { return epoch }
        let leader = LeaderAddress()
        await leader.set(try? await lease.current()?.address)
        let responder = CallbackResponder<BasicRequestContext> { _, _ in
            let message =
                if let address = await leader.address {
                    "this controller is standing by; the leader is at \(address)"
                } else {
                    "this controller is standing by and no controller leads right now; try again in a few seconds"
                }
            var buffer = ByteBuffer()
            buffer.writeBytes(try MusterJSON.encoder().encode(ErrorBody(code: "not_leader", message: message)))
            return Response(
                status: .serviceUnavailable,
                headers: [.contentType: "application/json", .retryAfter: "1"],
                body: .init(byteBuffer: buffer))
        }
        let app = Application(
            responder: responder,
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in await onReady(channel.localAddress?.port ?? port) },
            logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        logger.info("standing by: another controller holds the lease")
        return try await withThrowingTaskGroup(of: Int64?.self) { tasks in
            tasks.addTask {
                try await group.run()
                return nil
            }
            tasks.addTask {
                while true {
                    try await Task.sleep(for: poll)
                    do {
                        if let epoch = try await lease.tryAcquire() {
                            await group.triggerGracefulShutdown()
                            return epoch
                        }
                        await leader.set(try await lease.current().flatMap { $0.live ? $0.address : nil })
                    } catch {
                        logger.warning("cannot read the controller lease; retrying", metadata: ["error": "\(error)"])
                    }
                }
            }
            var epoch: Int64?
            while let result = try await tasks.next() {
                if let result { epoch = result }
            }
            guard let epoch else { throw CancellationError() }
            return epoch
        }
    }

    /// The leader's address as last read, shared with the responder.
    actor LeaderAddress {
        var address: String?
        func set(_ address: String?) { self.address = address }
    }
}
