import Foundation
import LogitCore
import LogitStore
import PostgresNIO

/// Model versions on PostgreSQL. A version's metadata is one JSON column beside the columns queries need.
extension PostgresStore {
    static let metadataEncoder = JSONEncoder()
    static let metadataDecoder = JSONDecoder()

    static func metadata(_ json: String) throws -> ModelVersionMetadata {
        try metadataDecoder.decode(ModelVersionMetadata.self, from: Data(json.utf8))
    }

    /// Assigns the next number of the model (creating the model on its first version) and inserts the row.
    func insert(_ version: ModelVersion, on connection: PostgresConnection) async throws -> ModelVersionMetadata {
        var encoded = try EncodedModelVersion(version)
        let name = version.metadata.name
        let rows = try await connection.query("""
            INSERT INTO model (name, created_at, last_version) VALUES (\(name), \(version.metadata.createdAt), 1)
            ON CONFLICT (name) DO UPDATE SET last_version = model.last_version + 1
            RETURNING last_version
            """, logger: logger)
        var number = 0
        for try await lastVersion in rows.decode(Int.self) { number = lastVersion }
        encoded.metadata.version = number
        FaultPoint.versionMidWrite.reach()
        let metadata = String(decoding: try Self.metadataEncoder.encode(encoded.metadata), as: UTF8.self)
        try await connection.query("""
            INSERT INTO model_version (name, version, created_at, metadata, output_count, weights, biases, curves)
            VALUES (\(name), \(number), \(encoded.metadata.createdAt), \(metadata), \(encoded.outputCount),
                    \(encoded.weights), \(encoded.biases), \(encoded.curves))
            """, logger: logger)
        try await notify(.models, on: connection)
        return encoded.metadata
    }

    public func insertVersion(_ version: ModelVersion) async throws -> ModelVersionMetadata {
        try await database { [self] in
            try await client.withTransaction(logger: logger) { connection in
                try await self.insert(version, on: connection)
            }
        }
    }

    private func summaries(named name: String?) async throws -> [ModelSummary] {
        try await database { [self] in
            var models: [(name: String, createdAt: Date)] = []
            for try await (modelName, createdAt) in try await client.query(
                "SELECT name, created_at FROM model WHERE CAST(\(name) AS text) IS NULL OR name = \(name) ORDER BY name",
                logger: logger
            ).decode((String, Date).self) {
                models.append((modelName, createdAt))
            }
            var versions: [String: [ModelVersionMetadata]] = [:]
            for try await (modelName, json) in try await client.query(
                "SELECT name, metadata FROM model_version WHERE CAST(\(name) AS text) IS NULL OR name = \(name) ORDER BY name, version",
                logger: logger
            ).decode((String, String).self) {
                versions[modelName, default: []].append(try Self.metadata(json))
            }
            var aliases: [String: [String: Int]] = [:]
            for try await (modelName, alias, version) in try await client.query(
                "SELECT model_name, alias, version FROM model_alias WHERE CAST(\(name) AS text) IS NULL OR model_name = \(name)",
                logger: logger
            ).decode((String, String, Int).self) {
                aliases[modelName, default: [:]][alias] = version
            }
            return models.map { model in
                let modelVersions = versions[model.name] ?? []
                return ModelSummary(name: model.name, createdAt: model.createdAt,
                                    latestVersion: modelVersions.last?.version, versions: modelVersions,
                                    aliases: aliases[model.name] ?? [:])
            }
        }
    }

    public func models() async throws -> [ModelSummary] {
        try await summaries(named: nil)
    }

    public func model(named name: String) async throws -> ModelSummary? {
        try await summaries(named: name).first
    }

    private func modelExists(_ name: String, on connection: PostgresConnection) async throws -> Bool {
        for try await _ in try await connection.query("SELECT 1 FROM model WHERE name = \(name)", logger: logger) {
            return true
        }
        return false
    }

    public func resolve(name: String, reference: VersionReference) async throws -> ModelVersionMetadata {
        try await database { [self] in
            try await client.withConnection { connection in
                guard try await self.modelExists(name, on: connection) else { throw StoreError.unknownModel(name) }
                let query: PostgresQuery = switch reference {
                case .number(let number):
                    "SELECT metadata FROM model_version WHERE name = \(name) AND version = \(number)"
                case .latest:
                    "SELECT metadata FROM model_version WHERE name = \(name) ORDER BY version DESC LIMIT 1"
                case .alias(let alias):
                    """
                    SELECT v.metadata FROM model_version v JOIN model_alias a
                        ON a.model_name = v.name AND a.version = v.version
                    WHERE a.model_name = \(name) AND a.alias = \(alias)
                    """
                }
                for try await json in try await connection.query(query, logger: self.logger).decode(String.self) {
                    return try Self.metadata(json)
                }
                throw StoreError.unknownVersion(name: name, reference: reference.description)
            }
        }
    }

    public func version(name: String, number: Int) async throws -> ModelVersion? {
        try await database { [self] in
            let rows = try await client.query("""
                SELECT metadata, output_count, weights, biases, curves FROM model_version
                WHERE name = \(name) AND version = \(number)
                """, logger: logger)
            for try await (json, outputCount, weights, biases, curves) in rows.decode((String, Int, Data, Data, Data).self) {
                return try EncodedModelVersion(metadata: try Self.metadata(json), outputCount: outputCount,
                                               weights: weights, biases: biases, curves: curves).decoded()
            }
            return nil
        }
    }

    public func defaultVersion() async throws -> ModelVersionMetadata? {
        try await database { [self] in
            let aliased = try await client.query("""
                SELECT v.metadata FROM model_version v JOIN model_alias a
                    ON a.model_name = v.name AND a.version = v.version AND a.alias = 'default'
                ORDER BY v.created_at DESC, v.position DESC LIMIT 1
                """, logger: logger)
            for try await json in aliased.decode(String.self) { return try Self.metadata(json) }
            let newest = try await client.query(
                "SELECT metadata FROM model_version ORDER BY created_at DESC, position DESC LIMIT 1", logger: logger)
            for try await json in newest.decode(String.self) { return try Self.metadata(json) }
            return nil
        }
    }

    public func deleteVersion(name: String, number: Int) async throws {
        try await database { [self] in
            try await client.withTransaction(logger: logger) { connection in
                var deleted = false
                for try await _ in try await connection.query(
                    "DELETE FROM model_version WHERE name = \(name) AND version = \(number) RETURNING version",
                    logger: self.logger)
                {
                    deleted = true
                }
                guard deleted else {
                    if try await !self.modelExists(name, on: connection) { throw StoreError.unknownModel(name) }
                    throw StoreError.unknownVersion(name: name, reference: String(number))
                }
                try await connection.query(
                    "DELETE FROM model_alias WHERE model_name = \(name) AND version = \(number)", logger: self.logger)
                try await self.notify(.models, on: connection)
            }
        }
    }

    public func setAlias(name: String, alias: String, version: Int) async throws {
        try await database { [self] in
            try await client.withTransaction(logger: logger) { connection in
                guard try await self.modelExists(name, on: connection) else { throw StoreError.unknownModel(name) }
                var exists = false
                for try await _ in try await connection.query(
                    "SELECT 1 FROM model_version WHERE name = \(name) AND version = \(version) FOR KEY SHARE",
                    logger: self.logger)
                {
                    exists = true
                }
                guard exists else { throw StoreError.unknownVersion(name: name, reference: String(version)) }
                try await connection.query("""
                    INSERT INTO model_alias (model_name, alias, version) VALUES (\(name), \(alias), \(version))
                    ON CONFLICT (model_name, alias) DO UPDATE SET version = excluded.version
                    """, logger: self.logger)
                try await self.notify(.models, on: connection)
            }
        }
    }

    public func deleteAlias(name: String, alias: String) async throws {
        try await database { [self] in
            try await client.withTransaction(logger: logger) { connection in
                guard try await self.modelExists(name, on: connection) else { throw StoreError.unknownModel(name) }
                var deleted = false
                for try await _ in try await connection.query(
                    "DELETE FROM model_alias WHERE model_name = \(name) AND alias = \(alias) RETURNING alias",
                    logger: self.logger)
                {
                    deleted = true
                }
                guard deleted else { throw StoreError.unknownVersion(name: name, reference: alias) }
                try await self.notify(.models, on: connection)
            }
        }
    }
}
