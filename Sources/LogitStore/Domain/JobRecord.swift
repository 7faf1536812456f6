import Foundation

/// A training job: its request, where it is, and the model version it produced.
public struct JobRecord: Codable, Sendable, Equatable {
    public var id: String
    public var status: JobStatus
    /// The training request with every default filled in, as JSON.
    public var request: String
    public var createdAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?
    public var error: String?
    public var modelName: String?
    public var modelVersion: Int?
    /// Epochs completed (fractional within an epoch) out of `epochs`.
    public var progressEpoch: Double
    public var epochs: Int
    /// The replica that runs the job, or ran it last (see `JobLease`).
    public var replica: String?
    /// Runs started so far: a run whose replica dies is started again from scratch, up to `maxAttempts` runs.
    public var attempt: Int
    public var maxAttempts: Int
    /// While running: when the replica's lease ends unless its heartbeat renews it.
    public var leaseExpiresAt: Date?
    /// The sweep the job runs points of (`SweepRecord`); nil for a plain training job.
    public var sweepId: String?

    public init(id: String, status: JobStatus = .queued, request: String, createdAt: Date, epochs: Int,
                maxAttempts: Int = JobRecord.defaultMaxAttempts, sweepId: String? = nil) {
        self.id = id
        self.status = status
        self.request = request
        self.createdAt = createdAt
        self.progressEpoch = 0
        self.epochs = epochs
        self.attempt = 0
        self.maxAttempts = maxAttempts
        self.sweepId = sweepId
    }

    public static let defaultMaxAttempts = 2

    /// The lease of the run now under way, if the job is running.
    public var lease: JobLease? {
        guard status == .running, let replica else { return nil }
        return JobLease(jobId: id, replica: replica, attempt: attempt)
    }

    /// The column names of `job` (SQLite/Migrations.swift).
    enum CodingKeys: String, CodingKey {
        case id, status, request, error, epochs
        case createdAt = "created_at"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case modelName = "model_name"
        case modelVersion = "model_version"
        case progressEpoch = "progress_epoch"
        case replica, attempt
        case maxAttempts = "max_attempts"
        case leaseExpiresAt = "lease_expires_at"
        case sweepId = "sweep_id"
    }
}
