import GRDB

/// One learning-curve point of a job, numbered from 1 in the order it was recorded.
public struct CurvePointRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "curve_point"

    public var jobId: String
    public var sequence: Int
    /// The point as JSON (see `CurvePoint`).
    public var point: String

    enum CodingKeys: String, CodingKey {
        case jobId = "job_id"
        case sequence, point
    }
}
