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

    public init(id: String, status: JobStatus = .queued, request: String, createdAt: Date, epochs: Int) {
        self.id = id
        self.status = status
        self.request = request
        self.createdAt = createdAt
        self.progressEpoch = 0
        self.epochs = epochs
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
    }
}
