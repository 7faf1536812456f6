import GRDB

/// A name of one version of a model besides its number (`default` is the one requests without a model use).
public struct AliasRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "model_alias"

    public var modelName: String
    public var alias: String
    public var version: Int

    enum CodingKeys: String, CodingKey {
        case modelName = "model_name"
        case alias, version
    }
}
