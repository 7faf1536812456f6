import Foundation
import GRDB

/// An uploaded data set: a row of `dataset`.
struct DatasetRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "dataset"

    var name: String
    var manifest: String
    var summary: String?
    var createdAt: Date
    var contents: Data

    enum CodingKeys: String, CodingKey {
        case name, manifest, summary, contents
        case createdAt = "created_at"
    }

    enum Columns {
        static let name = Column(CodingKeys.name)
        static let manifest = Column(CodingKeys.manifest)
        static let summary = Column(CodingKeys.summary)
        static let createdAt = Column(CodingKeys.createdAt)
    }
}
