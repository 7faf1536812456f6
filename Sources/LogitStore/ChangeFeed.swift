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

    /// A stream of what `look` yields: it looks at once, then again whenever a change `wakes` matches (or `resync`)
    /// is published, and once a second for changes made elsewhere and not heard of, until `look` returns true (it has
    /// sent the last event). `state` is carried from one look to the next. Subscribed before the first look, so
    /// nothing changed in between is missed. What live event streams (a job's curve, a sweep's points) share.
    public func watch<State: Sendable, Element: Sendable>(
        from state: State, wakingOn wakes: @escaping @Sendable (StoreChange) -> Bool,
        look: @escaping @Sendable (inout State, AsyncThrowingStream<Element, any Error>.Continuation) async throws
            -> Bool
    ) -> AsyncThrowingStream<Element, any Error> {
        let (wake, waker) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let changes = subscribe()
        let listener = Task {
            for await change in changes where change == .resync || wakes(change) { waker.yield() }
        }
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                waker.yield()
            }
        }
        return AsyncThrowingStream { continuation in
            let reader = Task {
                defer {
                    listener.cancel()
                    ticker.cancel()
                }
                do {
                    var state = state
                    var iterator = wake.makeAsyncIterator()
                    repeat {
                        if try await look(&state, continuation) { break }
                    } while await iterator.next() != nil && !Task.isCancelled
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in reader.cancel() }
        }
    }
}
