import GRDB

/// One learning-curve point of a job, numbered from 1 in the order it was recorded.
struct CurvePointRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "curve_point"

    var jobId: String
    var sequence: Int
    /// The point as JSON (see `CurvePoint`).
    var point: String

    enum CodingKeys: String, CodingKey {
        case jobId = "job_id"
        case sequence, point
    }

    enum Columns {
        static let jobId = Column(CodingKeys.jobId)
        static let sequence = Column(CodingKeys.sequence)
    }
}
