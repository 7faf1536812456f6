import Foundation
import LogitCore

/// Everything the service keeps: jobs with their curves, and model versions with their aliases.
/// Handlers and the job runner see only this protocol, so another backend (PostgreSQL, for replicas sharing one
/// store) can replace SQLite without touching them. Every method is safe to call concurrently.
public protocol ModelStore: Sendable {
    // MARK: Jobs
    func insertJob(_ job: JobRecord) async throws
    func job(id: String) async throws -> JobRecord?
    /// Newest first.
    func jobs(limit: Int) async throws -> [JobRecord]
    /// Jobs waiting to run, oldest first.
    func queuedJobs() async throws -> [JobRecord]
    func markStarted(jobId: String, at date: Date) async throws
    func updateProgress(jobId: String, epoch: Double) async throws
    /// Marks a job failed or cancelled unless it has already finished; returns the job as it then is.
    @discardableResult
    func finishJob(id: String, status: JobStatus, error: String?, at date: Date) async throws -> JobRecord?
    /// Jobs left `running` by a process that died become `failed` with error `interrupted`; returns how many.
    func interruptRunningJobs(at date: Date) async throws -> Int
    /// How many jobs are in each status.
    func jobCounts() async throws -> [JobStatus: Int]
    func appendCurvePoint(jobId: String, sequence: Int, point: CurvePoint) async throws
    /// Points recorded after `sequence`, in order.
    func curvePoints(jobId: String, after sequence: Int) async throws -> [(sequence: Int, point: CurvePoint)]

    // MARK: Models
    /// Stores a new version of `version.metadata.name` (its number is assigned here) and marks the job succeeded,
    /// in one transaction: a crash leaves either both or neither.
    func completeJob(id: String, storing version: ModelVersion, at date: Date) async throws -> ModelVersionMetadata
    /// Stores a new version that no job produced (an import); returns its metadata with the assigned number.
    func insertVersion(_ version: ModelVersion) async throws -> ModelVersionMetadata
    func models() async throws -> [ModelSummary]
    func model(named name: String) async throws -> ModelSummary?
    func resolve(name: String, reference: VersionReference) async throws -> ModelVersionMetadata
    func version(name: String, number: Int) async throws -> ModelVersion?
    /// The version that serves when a request names no model: the one alias `default` points at (the newest such
    /// version if several models have that alias), else the newest version of any model.
    func defaultVersion() async throws -> ModelVersionMetadata?
    func deleteVersion(name: String, number: Int) async throws
    func setAlias(name: String, alias: String, version: Int) async throws
    func deleteAlias(name: String, alias: String) async throws
}
