/// What `JobQueue.rescueExpiredJobs(at:)` did with the jobs whose lease had expired.
public struct ExpiredLeases: Sendable, Equatable {
    /// Queued again, to run from the start on whichever replica claims them.
    public var requeued: [String] = []
    /// Out of attempts: failed with error `interrupted`.
    public var failed: [String] = []

    public init(requeued: [String] = [], failed: [String] = []) {
        self.requeued = requeued
        self.failed = failed
    }

    public var isEmpty: Bool { requeued.isEmpty && failed.isEmpty }
}
