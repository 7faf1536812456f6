import Foundation

/// Fans the store's changes out to everyone in this process who listens: the job workers (a job was queued), the
/// model cache (versions or aliases moved) and live event streams (a job's curve grew).
public final class ChangeFeed: @unchecked Sendable {
    private let lock = NSLock()
    private var subscribers: [UUID: AsyncStream<StoreChange>.Continuation] = [:]

    public init() {}

    /// Changes published from now on. A slow reader loses the oldest when many queue up; `resync` is the cue to
    /// re-read what it watches.
    public func subscribe() -> AsyncStream<StoreChange> {
        let (stream, continuation) = AsyncStream<StoreChange>.makeStream(bufferingPolicy: .bufferingNewest(256))
        let key = UUID()
        lock.withLock { subscribers[key] = continuation }
        continuation.onTermination = { [weak self] _ in
            guard let self else { return }
            _ = self.lock.withLock { self.subscribers.removeValue(forKey: key) }
        }
        return stream
    }

    public func publish(_ change: StoreChange) {
        let continuations = lock.withLock { Array(subscribers.values) }
        for continuation in continuations { continuation.yield(change) }
    }
}
