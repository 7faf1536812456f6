import Foundation
import LogitCore

/// The model versions the service keeps, with their aliases. Handlers see only this protocol (and `JobQueue`,
/// `DatasetStore`), so either backend, SQLite for one process or PostgreSQL for replicas sharing one database,
/// serves them. Every method is safe to call concurrently.
public protocol ModelStore: Sendable {
    /// Stores a new version that no job produced (an import); returns its metadata with the assigned number.
    func insertVersion(_ version: ModelVersion) async throws -> ModelVersionMetadata
    func models() async throws -> [ModelSummary]
    func model(named name: String) async throws -> ModelSummary?
    func resolve(name: String, reference: VersionReference) async throws -> ModelVersionMetadata
    func version(name: String, number: Int) async throws -> ModelVersion?
    /// The version that serves when a request names no model: the one alias `default` points at (the newest such
    /// version if several models have that alias), else the newest version of any model.
    func defaultVersion() async throws -> ModelVersionMetadata?
    func deleteVersion(name: String, number: Int) async throws
    func setAlias(name: String, alias: String, version: Int) async throws
    func deleteAlias(name: String, alias: String) async throws
}
