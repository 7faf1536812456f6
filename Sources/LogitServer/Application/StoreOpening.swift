import Foundation
import LogitPostgres
import LogitStore
import Logging

/// Opens the store `database` names: a `postgres://` URL means PostgreSQL (shared by replicas), anything else a
/// SQLite file (its folder created if missing). A PostgreSQL store does nothing until it runs (`PostgresStore.run`).
public func openStore(_ database: String, logger: Logger) throws -> any StoreBackend {
    if PostgresURL.isPostgres(database) {
        return PostgresStore(url: try PostgresURL(database), logger: logger)
    }
    let directory = URL(fileURLWithPath: database).deletingLastPathComponent().path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    return try SQLiteStore(path: database)
}

/// Runs `body` with the store `database` names open and ready (migrated), for commands that use it and exit.
public func withStore<Result: Sendable>(_ database: String, logger: Logger,
                                        _ body: @Sendable (any StoreBackend) async throws -> Result)
    async throws -> Result
{
    let store = try openStore(database, logger: logger)
    if let postgres = store as? PostgresStore {
        return try await postgres.withRunning {
            try await postgres.prepare()
            return try await body(postgres)
        }
    }
    try await store.prepare()
    return try await body(store)
}
