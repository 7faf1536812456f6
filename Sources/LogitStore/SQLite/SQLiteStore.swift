import Foundation
import GRDB
import LogitCore

/// The SQLite backend: one database file in WAL mode behind a GRDB `DatabasePool` (concurrent reads, serialised
/// writes), for one process. Every write that must be atomic is one transaction; its change is published to this
/// process's `changes` once it commits.
public final class SQLiteStore: StoreBackend {
    public let database: any DatabaseWriter
    public let changes = ChangeFeed()

    /// Opens (creating if needed) the database file and brings its schema up to date.
    public convenience init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        try self.init(database: DatabasePool(path: path, configuration: configuration))
    }

    public init(database: any DatabaseWriter) throws {
        self.database = database
        try Migrations.migrator.migrate(database)
    }

    /// The schema is brought up to date when the store opens.
    public func prepare() async throws {}

    public func ping() async throws {
        _ = try await database.read { try Int.fetchOne($0, sql: "SELECT 1") }
    }

    /// Names of the migrations applied to the database, in order.
    public func appliedMigrations() throws -> [String] {
        try database.read { try Migrations.migrator.appliedMigrations($0) }
    }

    // MARK: - Models

    public func insertVersion(_ version: ModelVersion) async throws -> ModelVersionMetadata {
        let metadata = try await database.write { try Self.insert(version, db: $0) }
        changes.publish(.models)
        return metadata
    }

    /// Assigns the next number of the model (creating the model on its first version) and inserts the row.
    static func insert(_ version: ModelVersion, db: Database) throws -> ModelVersionMetadata {
        let name = version.metadata.name
        var model = try ModelRecord.fetchOne(db, key: name)
            ?? ModelRecord(name: name, createdAt: version.metadata.createdAt, lastVersion: 0)
        model.lastVersion += 1
        try model.save(db)
        FaultPoint.versionMidWrite.reach()
        var stored = version
        stored.metadata.version = model.lastVersion
        try ModelVersionRow(stored).insert(db)
        return stored.metadata
    }

    private static func summary(of model: ModelRecord, db: Database) throws -> ModelSummary {
        let versions = try ModelVersionRow.filter { $0.name == model.name }.order(\.version)
            .selectMetadata().fetchAll(db)
        let aliases = try AliasRecord.filter { $0.modelName == model.name }.fetchAll(db)
        return ModelSummary(
            name: model.name, createdAt: model.createdAt, latestVersion: versions.last?.version, versions: versions,
            aliases: Dictionary(uniqueKeysWithValues: aliases.map { ($0.alias, $0.version) }))
    }

    public func models() async throws -> [ModelSummary] {
        try await database.read { db in
            try ModelRecord.order(\.name).fetchAll(db).map { try Self.summary(of: $0, db: db) }
        }
    }

    public func model(named name: String) async throws -> ModelSummary? {
        try await database.read { db in
            try ModelRecord.fetchOne(db, key: name).map { try Self.summary(of: $0, db: db) }
        }
    }

    public func resolve(name: String, reference: VersionReference) async throws -> ModelVersionMetadata {
        try await database.read { db in
            guard try ModelRecord.fetchOne(db, key: name) != nil else { throw StoreError.unknownModel(name) }
            let number: Int? = switch reference {
            case .number(let number): number
            case .latest:
                try ModelVersionRow.filter { $0.name == name }.select({ max($0.version) }, as: Int.self).fetchOne(db)
            case .alias(let alias):
                try AliasRecord.filter { $0.modelName == name && $0.alias == alias }
                    .select(\.version, as: Int.self).fetchOne(db)
            }
            guard let number,
                  let metadata = try ModelVersionRow.filter({ $0.name == name && $0.version == number })
                      .selectMetadata().fetchOne(db)
            else { throw StoreError.unknownVersion(name: name, reference: reference.description) }
            return metadata
        }
    }

    public func version(name: String, number: Int) async throws -> ModelVersion? {
        let row = try await database.read { db in
            try ModelVersionRow.filter { $0.name == name && $0.version == number }.fetchOne(db)
        }
        return try row?.decoded()
    }

    public func defaultVersion() async throws -> ModelVersionMetadata? {
        try await database.read { db in
            let aliased = try ModelVersionRow.joining(required: ModelVersionRow.defaultAlias)
                .order(\.createdAt.desc).selectMetadata().fetchOne(db)
            if let aliased { return aliased }
            return try ModelVersionRow.order { [$0.createdAt.desc, Column.rowID.desc] }.selectMetadata().fetchOne(db)
        }
    }

    public func deleteVersion(name: String, number: Int) async throws {
        try await database.write { db in
            let deleted = try ModelVersionRow.filter { $0.name == name && $0.version == number }.deleteAll(db)
            guard deleted > 0 else {
                if try ModelRecord.fetchOne(db, key: name) == nil { throw StoreError.unknownModel(name) }
                throw StoreError.unknownVersion(name: name, reference: String(number))
            }
            try AliasRecord.filter { $0.modelName == name && $0.version == number }.deleteAll(db)
        }
        changes.publish(.models)
    }

    public func setAlias(name: String, alias: String, version: Int) async throws {
        try await database.write { db in
            guard try ModelRecord.fetchOne(db, key: name) != nil else { throw StoreError.unknownModel(name) }
            let versionCount = try ModelVersionRow.filter { $0.name == name && $0.version == version }.fetchCount(db)
            guard versionCount > 0
            else { throw StoreError.unknownVersion(name: name, reference: String(version)) }
            try AliasRecord(modelName: name, alias: alias, version: version).save(db)
        }
        changes.publish(.models)
    }

    public func deleteAlias(name: String, alias: String) async throws {
        try await database.write { db in
            guard try ModelRecord.fetchOne(db, key: name) != nil else { throw StoreError.unknownModel(name) }
            let deleted = try AliasRecord.filter { $0.modelName == name && $0.alias == alias }.deleteAll(db)
            guard deleted > 0 else { throw StoreError.unknownVersion(name: name, reference: alias) }
        }
        changes.publish(.models)
    }
}
