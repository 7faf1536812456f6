import Foundation
import LogitCore
import LogitStore

/// A job's curve points and its end, as they are recorded, read from the store: the job may run on any replica.
/// The store's changes say when to look again; a look once a second covers changes that were not heard of.
public struct JobEvents: Sendable {
    public enum Event: Sendable {
        /// Curve point `sequence` of the job's current run.
        case point(sequence: Int, CurvePoint)
        /// The job as it finished; the last event.
        case finished(JobRecord)
    }

    public let store: any JobQueue
    public let changes: ChangeFeed

    public init(store: any JobQueue, changes: ChangeFeed) {
        self.store = store
        self.changes = changes
    }

    /// Every point recorded so far, then new ones as they are recorded, then the finished job. A run started again
    /// on another replica (its first one died) starts its curve again: its points are sent from the first.
    public func events(jobId: String) -> AsyncThrowingStream<Event, any Error> {
        let (wake, waker) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        // Subscribed before the first read, so nothing recorded in between is missed.
        let changes = self.changes.subscribe()
        let listener = Task {
            for await change in changes where change == .job(id: jobId) || change == .resync { waker.yield() }
        }
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                waker.yield()
            }
        }
        let store = self.store
        return AsyncThrowingStream { continuation in
            let reader = Task {
                defer {
                    listener.cancel()
                    ticker.cancel()
                }
                do {
                    var last = 0
                    var attempt: Int?
                    var iterator = wake.makeAsyncIterator()
                    repeat {
                        guard let job = try await store.job(id: jobId) else { throw StoreError.unknownJob(jobId) }
                        if attempt != nil, attempt != job.attempt { last = 0 }
                        attempt = job.attempt
                        for (sequence, point) in try await store.curvePoints(jobId: jobId, after: last) {
                            continuation.yield(.point(sequence: sequence, point))
                            last = sequence
                        }
                        if job.status.isFinished {
                            continuation.yield(.finished(job))
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
