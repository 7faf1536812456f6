import Foundation
import GRDB

/// A named model: versions are numbered 1, 2, 3... and a number is never reused, even after a deletion.
public struct ModelRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "model"

    public var name: String
    public var createdAt: Date
    public var lastVersion: Int

    enum CodingKeys: String, CodingKey {
        case name
        case createdAt = "created_at"
        case lastVersion = "last_version"
    }
}
