import Foundation
import GRDB
import LogitCore

/// The SQLite backend: one database file in WAL mode behind a GRDB `DatabasePool` (concurrent reads, serialised
/// writes). Every write that must be atomic is one transaction.
public final class SQLiteModelStore: ModelStore {
    public let database: any DatabaseWriter

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

    /// Names of the migrations applied to the database, in order.
    public func appliedMigrations() throws -> [String] {
        try database.read { try Migrations.migrator.appliedMigrations($0) }
    }

    // MARK: - Jobs

    public func insertJob(_ job: JobRecord) async throws {
        try await database.write { try job.insert($0) }
    }

    public func job(id: String) async throws -> JobRecord? {
        try await database.read { try JobRecord.fetchOne($0, key: id) }
    }

    public func jobs(limit: Int) async throws -> [JobRecord] {
        try await database.read { db in
            try JobRecord.order { [$0.createdAt.desc, Column.rowID.desc] }.limit(limit).fetchAll(db)
        }
    }

    public func queuedJobs() async throws -> [JobRecord] {
        try await database.read { db in
            try JobRecord.filter { $0.status == JobStatus.queued.rawValue }
                .order { [$0.createdAt, Column.rowID] }.fetchAll(db)
        }
    }

    public func markStarted(jobId: String, at date: Date) async throws {
        try await database.write { db in
            _ = try JobRecord.filter { $0.id == jobId && $0.status == JobStatus.queued.rawValue }
                .updateAll(db) { [$0.status.set(to: JobStatus.running.rawValue), $0.startedAt.set(to: date)] }
        }
    }

    public func updateProgress(jobId: String, epoch: Double) async throws {
        try await database.write { db in
            _ = try JobRecord.filter { $0.id == jobId }.updateAll(db) { $0.progressEpoch.set(to: epoch) }
        }
    }

    @discardableResult
    public func finishJob(id: String, status: JobStatus, error: String?, at date: Date) async throws -> JobRecord? {
        try await database.write { db in
            guard var job = try JobRecord.fetchOne(db, key: id) else { return nil }
            guard !job.status.isFinished else { return job }
            job.status = status
            job.error = error
            job.finishedAt = date
            try job.update(db)
            return job
        }
    }

    public func interruptRunningJobs(at date: Date) async throws -> Int {
        try await database.write { db in
            try JobRecord.filter { $0.status == JobStatus.running.rawValue }.updateAll(db) { [
                $0.status.set(to: JobStatus.failed.rawValue), $0.error.set(to: "interrupted"),
                $0.finishedAt.set(to: date),
            ] }
        }
    }

    public func jobCounts() async throws -> [JobStatus: Int] {
        try await database.read { db in
            var counts = Dictionary(uniqueKeysWithValues: JobStatus.allCases.map { ($0, 0) })
            let statusCounts = JobRecord.select { [$0.status, SQL("COUNT(*)")] }.group(\.status).asRequest(of: Row.self)
            for row in try statusCounts.fetchAll(db) {
                if let status = JobStatus(rawValue: row[0]) { counts[status] = row[1] }
            }
            return counts
        }
    }

    public func appendCurvePoint(jobId: String, sequence: Int, point: CurvePoint) async throws {
        let json = String(decoding: try JSONEncoder().encode(point), as: UTF8.self)
        try await database.write { db in
            try CurvePointRecord(jobId: jobId, sequence: sequence, point: json).insert(db)
        }
    }

    public func curvePoints(jobId: String, after sequence: Int) async throws -> [(sequence: Int, point: CurvePoint)] {
        let records = try await database.read { db in
            try CurvePointRecord.filter { $0.jobId == jobId && $0.sequence > sequence }.order(\.sequence).fetchAll(db)
        }
        let decoder = JSONDecoder()
        return try records.map { ($0.sequence, try decoder.decode(CurvePoint.self, from: Data($0.point.utf8))) }
    }

    // MARK: - Models

    public func completeJob(id: String, storing version: ModelVersion, at date: Date) async throws
        -> ModelVersionMetadata
    {
        try await database.write { db in
            guard var job = try JobRecord.fetchOne(db, key: id) else { throw StoreError.unknownJob(id) }
            guard !job.status.isFinished else {
                throw StoreError.conflict("job \(id) already finished as \(job.status.rawValue)")
            }
            let metadata = try Self.insert(version, db: db)
            job.status = .succeeded
            job.finishedAt = date
            job.progressEpoch = Double(version.metadata.epochsCompleted)
            job.modelName = metadata.name
            job.modelVersion = metadata.version
            try job.update(db)
            return metadata
        }
    }

    public func insertVersion(_ version: ModelVersion) async throws -> ModelVersionMetadata {
        try await database.write { try Self.insert(version, db: $0) }
    }

    /// Assigns the next number of the model (creating the model on its first version) and inserts the row.
    private static func insert(_ version: ModelVersion, db: Database) throws -> ModelVersionMetadata {
        let name = version.metadata.name
        var model = try ModelRecord.fetchOne(db, key: name)
            ?? ModelRecord(name: name, createdAt: version.metadata.createdAt, lastVersion: 0)
        model.lastVersion += 1
        try model.save(db)
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
    }

    public func setAlias(name: String, alias: String, version: Int) async throws {
        try await database.write { db in
            guard try ModelRecord.fetchOne(db, key: name) != nil else { throw StoreError.unknownModel(name) }
            let versionCount = try ModelVersionRow.filter { $0.name == name && $0.version == version }.fetchCount(db)
            guard versionCount > 0
            else { throw StoreError.unknownVersion(name: name, reference: String(version)) }
            try AliasRecord(modelName: name, alias: alias, version: version).save(db)
        }
    }

    public func deleteAlias(name: String, alias: String) async throws {
        try await database.write { db in
            guard try ModelRecord.fetchOne(db, key: name) != nil else { throw StoreError.unknownModel(name) }
            let deleted = try AliasRecord.filter { $0.modelName == name && $0.alias == alias }.deleteAll(db)
            guard deleted > 0 else { throw StoreError.unknownVersion(name: name, reference: alias) }
        }
    }
}
