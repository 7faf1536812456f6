import Foundation

/// Sweeps and their points, in the same database as the jobs that run them. Every method is safe to call
/// concurrently, from any number of processes.
public protocol SweepStore: Sendable {
    /// Stores the sweep, its points and the jobs that run them (queued), in one transaction.
    func insertSweep(_ sweep: SweepRecord, points: [SweepPointRecord], jobs: [JobRecord]) async throws
    func sweep(id: String) async throws -> SweepRecord?
    /// Newest first.
    func sweeps(limit: Int) async throws -> [SweepRecord]
    /// The sweep's points, by index.
    func sweepPoints(sweepId: String) async throws -> [SweepPointRecord]
    /// The jobs running the sweep's points, oldest first.
    func sweepJobs(sweepId: String) async throws -> [JobRecord]
    /// Stores a point's model version and its result, in one transaction, while `lease` (of the job running the
    /// point) holds; throws `StoreError.leaseLost` when it does not. A point recorded once is never recorded again:
    /// a job started again after its replica died skips the points already done.
    func recordSweepPoint(_ lease: JobLease, sweepId: String, index: Int, result: String, storing version: ModelVersion)
        async throws -> ModelVersionMetadata
}
