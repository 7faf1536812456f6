import Foundation
import GRDB

/// A named model: versions are numbered 1, 2, 3... and a number is never reused, even after a deletion.
struct ModelRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "model"

    var name: String
    var createdAt: Date
    var lastVersion: Int

    enum CodingKeys: String, CodingKey {
        case name
        case createdAt = "created_at"
        case lastVersion = "last_version"
    }

    enum Columns {
        static let name = Column(CodingKeys.name)
    }
}
