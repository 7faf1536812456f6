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
        let store = self.store
        // The last point sent and the run it belongs to.
        return changes.watch(from: (last: 0, attempt: Int?.none), wakingOn: { $0 == .job(id: jobId) }) {
            sent, continuation in
            guard let job = try await store.job(id: jobId) else { throw StoreError.unknownJob(jobId) }
            if sent.attempt != nil, sent.attempt != job.attempt { sent.last = 0 }
            sent.attempt = job.attempt
            for (sequence, point) in try await store.curvePoints(jobId: jobId, after: sent.last) {
                continuation.yield(.point(sequence: sequence, point))
                sent.last = sequence
            }
            guard job.status.isFinished else { return false }
            continuation.yield(.finished(job))
            return true
        }
    }
}
