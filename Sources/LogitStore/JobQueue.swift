import Foundation
import LogitCore

/// Training jobs, durable and shared by every replica of the store: queued jobs wait in the database, a replica
/// claims the oldest one and holds a lease on it that its heartbeat renews, and every write of a run is fenced by
/// that lease (`JobLease`). Every method is safe to call concurrently, from any number of processes.
public protocol JobQueue: Sendable {
    /// Queues a job.
    func insertJob(_ job: JobRecord) async throws
    /// Queues `job` only when the store has neither a model nor a job yet (several replicas starting together on
    /// an empty database queue one first job between them); returns whether it did.
    func insertFirstJob(_ job: JobRecord) async throws -> Bool
    func job(id: String) async throws -> JobRecord?
    /// Newest first.
    func jobs(limit: Int) async throws -> [JobRecord]
    /// How many jobs are in each status.
    func jobCounts() async throws -> [JobStatus: Int]

    /// Claims the oldest queued job for `replica`: it becomes running, its attempt count goes up by one, and its
    /// lease lasts until `leaseUntil`. Nil when nothing is queued. Two claims never get the same job.
    func claimJob(replica: String, leaseUntil: Date, at date: Date) async throws -> JobRecord?
    /// Extends the lease; false when it is no longer held (the job was cancelled or handed on).
    func renewLease(_ lease: JobLease, until: Date) async throws -> Bool
    /// Running jobs whose lease ended before `date`, whose replica is presumed dead: each is queued again (its
    /// curve cleared) if it has attempts left, else failed with error `interrupted`.
    func rescueExpiredJobs(at date: Date) async throws -> ExpiredLeases

    func updateProgress(_ lease: JobLease, epoch: Double) async throws
    /// Records curve point `sequence` (numbered from 1 within the run) unless the lease is lost.
    func appendCurvePoint(_ lease: JobLease, sequence: Int, point: CurvePoint) async throws
    /// Points recorded after `sequence`, in order.
    func curvePoints(jobId: String, after sequence: Int) async throws -> [(sequence: Int, point: CurvePoint)]

    /// Stores the run's model version (its number assigned here) and marks the job succeeded, in one transaction:
    /// a crash leaves either both or neither. Throws `StoreError.leaseLost` when the lease is no longer held.
    func completeJob(_ lease: JobLease, storing version: ModelVersion, at date: Date) async throws
        -> ModelVersionMetadata
    /// Ends a run as failed or cancelled; nil when the lease is no longer held.
    @discardableResult
    func finishJob(_ lease: JobLease, status: JobStatus, error: String?, at date: Date) async throws -> JobRecord?
    /// Cancels a queued or running job on behalf of a user (the replica running it hears of it through the store's
    /// changes); returns the job as it then is, or nil if there is no such job.
    func cancelJob(id: String, at date: Date) async throws -> JobRecord?
}

extension JobQueue {
    /// Jobs waiting to run.
    public func queuedJobCount() async throws -> Int {
        try await jobCounts()[.queued] ?? 0
    }
}
