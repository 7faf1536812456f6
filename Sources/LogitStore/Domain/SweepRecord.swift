import Foundation

/// A sweep: one request that trains a grid of points (`SweepPointRecord`), run by jobs of its own (`JobRecord`'s
/// `sweepId`). Its status and progress are its jobs'.
public struct SweepRecord: Codable, Sendable, Equatable {
    public var id: String
    /// The model name every point's version is stored under.
    public var name: String
    /// The resolved sweep (LogitJobs' `SweepPlan`) as JSON.
    public var request: String
    public var createdAt: Date

    public init(id: String, name: String, request: String, createdAt: Date) {
        self.id = id
        self.name = name
        self.request = request
        self.createdAt = createdAt
    }

    /// The column names of `sweep` (SQLite/Migrations.swift).
    enum CodingKeys: String, CodingKey {
        case id, name, request
        case createdAt = "created_at"
    }
}
