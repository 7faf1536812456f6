import Foundation

/// One point of a sweep: the job that runs it and, once it has run, its result.
public struct SweepPointRecord: Codable, Sendable, Equatable {
    public var sweepId: String
    /// The point's place in the sweep's grid, from 0.
    public var index: Int
    public var jobId: String
    /// The point's scores, model version and figures (LogitJobs' `SweepPointResult`) as JSON; nil until it has run.
    public var result: String?
    /// The version the point stored (its refit on all training rows), once it has run.
    public var modelName: String?
    public var modelVersion: Int?

    public init(sweepId: String, index: Int, jobId: String, result: String? = nil) {
        self.sweepId = sweepId
        self.index = index
        self.jobId = jobId
        self.result = result
    }

    /// The column names of `sweep_point` (SQLite/Migrations.swift).
    enum CodingKeys: String, CodingKey {
        case sweepId = "sweep_id"
        case index = "point_index"
        case jobId = "job_id"
        case result
        case modelName = "model_name"
        case modelVersion = "model_version"
    }
}
