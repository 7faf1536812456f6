import GRDB

/// A name of one version of a model besides its number (`default` is the one requests without a model use).
struct AliasRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "model_alias"

    var modelName: String
    var alias: String
    var version: Int

    enum CodingKeys: String, CodingKey {
        case modelName = "model_name"
        case alias, version
    }

    enum Columns {
        static let modelName = Column(CodingKeys.modelName)
        static let alias = Column(CodingKeys.alias)
        static let version = Column(CodingKeys.version)
    }
}
