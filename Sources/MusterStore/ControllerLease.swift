import Foundation
import Logging
import PostgresNIO

/// Which of the controllers sharing one PostgreSQL store leads: a one-row lease (`muster_leader`) with an epoch, a
/// holder, the holder's address and an expiry on the database's clock (no clock skew between controllers).
///
/// A controller takes the lease when no one holds it or the holder let it expire; taking it adds one to the
/// epoch. The leader renews it well within `ttl`, and its store is fenced with the epoch (`PostgresStore.fence`):
/// a leader that stalled past its lease and was replaced finds, at its next commit, that the epoch moved on, and
/// that commit fails. Standbys read the leader's address from the same row to point clients at it.
public struct ControllerLease: Sendable {
    /// Who holds (or wants) the lease: unique per controller process.
    public let holder: String
    /// Where this controller's API is reached (`http://host:port`), told to clients while it leads.
    public let address: String
    /// How long the lease lasts unless renewed.
    public let ttl: Double
    /// Until when this controller may answer as the leader (shared by every copy of this lease).
    public let validity = LeaseValidity()
    let store: PostgresStore

    /// The lease as stored.
    public struct Holder: Sendable, Equatable {
        public var epoch: Int64
        public var holder: String
        public var address: String
        /// Whether it is still within its expiry.
        public var live: Bool
    }

    public init(store: PostgresStore, holder: String = UUID().uuidString, address: String, ttl: Double = 5) {
        self.store = store
        self.holder = holder
        self.address = address
        self.ttl = ttl
    }

    /// Takes the lease if it is free or expired: returns the new epoch, or nil while another controller holds it.
    public func tryAcquire() async throws(StoreError) -> Int64? {
        let start = ContinuousClock.now
        do {
            let epoch = try await store.pool.query(
                """
                INSERT INTO muster_leader (id, epoch, holder, address, expires)
                VALUES (1, 1, \(holder), \(address), clock_timestamp() + make_interval(secs => \(ttl)))
                ON CONFLICT (id) DO UPDATE SET epoch = muster_leader.epoch + 1, holder = EXCLUDED.holder,
                    address = EXCLUDED.address, expires = EXCLUDED.expires
                WHERE muster_leader.expires < clock_timestamp()
                RETURNING epoch
                """
            ).decode(Int64.self).array().first
            if epoch != nil { validity.extend(from: start, ttl: ttl) }
            return epoch
        } catch {
            throw PostgresStore.storeError("cannot take the controller lease in \(store.url)", error)
        }
    }

    /// Extends the lease held at `epoch`; false when another controller has taken it since (this one is deposed).
    public func renew(epoch: Int64) async throws(StoreError) -> Bool {
        let start = ContinuousClock.now
        do {
            let renewed = try await !store.pool.query(
                """
                UPDATE muster_leader SET expires = clock_timestamp() + make_interval(secs => \(ttl))
                WHERE id = 1 AND epoch = \(epoch) AND holder = \(holder) RETURNING epoch
                """
            ).decode(Int64.self).array().isEmpty
            if renewed { validity.extend(from: start, ttl: ttl) } else { validity.drop() }
            return renewed
        } catch {
            throw PostgresStore.storeError("cannot renew the controller lease in \(store.url)", error)
        }
    }

    /// Renews the lease held at `epoch` every `ttl / 5` seconds for as long as it is held; throws the moment this
    /// controller no longer leads: another took the lease, or no renewal got through for a whole `ttl` (then it
    /// must assume another did). The caller stops at once; its store's fence refuses its writes anyway.
    public func keep(epoch: Int64) async throws(StoreError) {
        var lastRenewed = ContinuousClock.now
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(ttl / 5))
            do throws(StoreError) {
                guard try await renew(epoch: epoch) else {
                    throw StoreError(
                        "another controller took the lease (epoch \(epoch) is over): this one no longer leads")
                }
                lastRenewed = .now
            } catch {
                if !error.retryable && error.message.contains("took the lease") { throw error }
                if ContinuousClock.now - lastRenewed > .seconds(ttl) {
                    throw StoreError(
                        "the lease could not be renewed for \(ttl) s (\(error.message)): another controller may lead now"
                    )
                }
            }
        }
    }

    /// Lets the lease go at once (a graceful stop), so that a standby takes over without waiting for it to expire.
    public func release(epoch: Int64) async {
        validity.drop()
        _ = try? await store.pool.query(
            """
            UPDATE muster_leader SET expires = clock_timestamp() - interval '1 second'
            WHERE id = 1 AND epoch = \(epoch) AND holder = \(holder)
            """)
    }

    /// The lease as it stands, if anyone ever took it.
    public func current() async throws(StoreError) -> Holder? {
        do {
            return try await store.pool.query(
                "SELECT epoch, holder, address, expires > clock_timestamp() FROM muster_leader WHERE id = 1"
            ).decode((Int64, String, String, Bool).self).array().first.map {
                Holder(epoch: $0.0, holder: $0.1, address: $0.2, live: $0.3)
            }
        } catch {
            throw PostgresStore.storeError("cannot read the controller lease in \(store.url)", error)
        }
    }
}
