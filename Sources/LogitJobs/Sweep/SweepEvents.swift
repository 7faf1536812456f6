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
        let store = self.store
        // Any of the sweep's jobs may have recorded a point; the indices of the points sent.
        return changes.watch(from: Set<Int>(), wakingOn: { if case .job = $0 { true } else { false } }) {
            sent, continuation in
            guard let sweep = try await store.sweep(id: sweepId) else { throw StoreError.unknownSweep(sweepId) }
            // Jobs first: a point recorded after this read is sent on the next look, never lost.
            let jobs = try await store.sweepJobs(sweepId: sweepId)
            let points = try await store.sweepPoints(sweepId: sweepId)
            for point in points where !sent.contains(point.index) {
                guard let json = point.result, let result = try? SweepPointResult.decode(json: json) else { continue }
                continuation.yield(.point(point, result))
                sent.insert(point.index)
            }
            guard jobs.allSatisfy(\.status.isFinished) else { return false }
            continuation.yield(.finished(sweep, points, jobs))
            return true
        }
    }
}
