import Foundation
import LogitStore

/// A sweep's points as they finish, on any replica, read from the store: the store's changes (any of the sweep's
/// jobs) say when to look again, and a look once a second covers changes that were not heard of.
public struct SweepEvents: Sendable {
    public enum Event: Sendable {
        /// A point recorded: its record (with the version) and its result.
        case point(SweepPointRecord, SweepPointResult)
        /// Every job of the sweep has finished; the last event.
        case finished(SweepRecord, [SweepPointRecord], [JobRecord])
    }

    public let store: any SweepStore
    public let changes: ChangeFeed

    public init(store: any SweepStore, changes: ChangeFeed) {
        self.store = store
        self.changes = changes
    }

    /// Every point recorded so far, then each new one, then the end.
    public func events(sweepId: String) -> AsyncThrowingStream<Event, any Error> {
        let (wake, waker) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let changes = self.changes.subscribe()
        let store = self.store
        let listener = Task {
            for await change in changes {
                if case .job = change { waker.yield() } else if change == .resync { waker.yield() }
            }
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
                    var sent = Set<Int>()
                    var iterator = wake.makeAsyncIterator()
                    repeat {
                        guard let sweep = try await store.sweep(id: sweepId) else { throw StoreError.unknownSweep(sweepId) }
                        // Jobs first: a point recorded after this read is sent on the next look, never lost.
                        let jobs = try await store.sweepJobs(sweepId: sweepId)
                        let points = try await store.sweepPoints(sweepId: sweepId)
                        for point in points where !sent.contains(point.index) {
                            guard let json = point.result, let result = try? SweepPointResult.decode(json: json) else {
                                continue
                            }
                            continuation.yield(.point(point, result))
                            sent.insert(point.index)
                        }
                        if jobs.allSatisfy(\.status.isFinished) {
                            continuation.yield(.finished(sweep, points, jobs))
                            break
                        }
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
