import MusterAPI

/// The controller's last `capacity` utilisation samples, in a fixed ring: appending never grows it, so a
/// controller that runs for months holds the same few kilobytes.
public struct UtilisationRing: Sendable {
    /// Most samples kept.
    public let capacity: Int
    private var storage: [UtilisationSample] = []
    /// Where the next sample goes once the ring is full (the oldest one).
    private var next = 0

    /// An empty ring of at most `capacity` samples (1 or more).
    public init(capacity: Int) {
        precondition(capacity >= 1, "a utilisation ring holds at least one sample")
        self.capacity = capacity
        storage.reserveCapacity(capacity)
    }

    /// Adds a sample, dropping the oldest when full.
    /// - Complexity: O(1).
    public mutating func append(_ sample: UtilisationSample) {
        if storage.count < capacity {
            storage.append(sample)
        } else {
            storage[next] = sample
            next = (next + 1) % capacity
        }
    }

    /// The samples held, oldest first.
    /// - Complexity: O(`capacity`).
    public var samples: [UtilisationSample] {
        Array(storage[next...] + storage[..<next])
    }
}
