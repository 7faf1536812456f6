import Foundation
import LogitStore
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// The PostgreSQL backend, for any number of replicas sharing one database. Every write that must be atomic is one
/// transaction; what it changed is announced with `pg_notify` in the same transaction (so only once it commits),
/// and every replica hears it through one LISTEN connection and publishes it to its own `changes`.
///
/// It is a ServiceLifecycle service: `run()` runs the connection pool and the listener until graceful shutdown.
public final class PostgresStore: StoreBackend, Service {
    public let client: PostgresClient
    public let url: PostgresURL
    public let changes = ChangeFeed()
    let logger: Logger
    /// Set once the pool runs: the server prepares the store while its services (this one among them) start.
    private let poolRunning = Atomic<Bool>(false)

    /// The notification channel every replica listens on.
    static let channel = "logit_changes"

    public init(url: PostgresURL, logger: Logger) {
        self.url = url
        var logger = logger
        logger[metadataKey: "database"] = "\(url)"
        self.logger = logger
        client = PostgresClient(configuration: url.clientConfiguration, backgroundLogger: logger)
    }

    public func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.runPool() }
            group.addTask { await cancelWhenGracefulShutdown { await self.listen() } }
        }
    }

    /// Runs `body` with the store's connection pool running (for commands that use the store and exit).
    public func withRunning<Result: Sendable>(_ body: @Sendable () async throws -> Result) async throws -> Result {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await self.runPool() }
            defer { group.cancelAll() }
            return try await body()
        }
    }

    private func runPool() async {
        poolRunning.store(true, ordering: .releasing)
        await client.run()
    }

    public func prepare() async throws {
        for _ in 0..<200 where !poolRunning.load(ordering: .acquiring) { try await Task.sleep(for: .milliseconds(10)) }
        // Not a request's 5 s: migrating takes turns under an advisory lock with every replica (or test) starting
        // at the same moment, and a loaded machine runs the DDL slowly.
        try await database(timeout: .seconds(60)) { try await PostgresMigrations.migrate(self.client, logger: self.logger) }
    }

    /// Names of the migrations applied to the database, in order.
    public func appliedMigrations() async throws -> [String] {
        try await database {
            var names: [String] = []
            for try await (version, name) in try await self.client.query(
                "SELECT version, name FROM schema_migration ORDER BY version", logger: self.logger
            ).decode((Int, String).self) {
                names.append("v\(version): \(name)")
            }
            return names
        }
    }

    /// Readiness must answer at once, also while the pool waits for a server that does not answer.
    public func ping() async throws {
        try await database(timeout: .seconds(1)) { try await self.client.query("SELECT 1", logger: self.logger) }
    }

    // MARK: - Changes

    /// Hears every replica's changes while the store runs, reconnecting when the connection drops. Whatever was
    /// announced while no connection listened is lost, so every (re)connection publishes `resync`.
    private func listen() async {
        var delay = Duration.milliseconds(100)
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: Self.channel) { notifications in
                        self.changes.publish(.resync)
                        delay = .milliseconds(100)
                        for try await notification in notifications {
                            if let change = Self.change(notification.payload) { self.changes.publish(change) }
                        }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                logger.warning("not listening to the database's changes: retrying", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(2))
        }
    }

    static func payload(_ change: StoreChange) -> String {
        switch change {
        case .jobQueued: "queued"
        case .job(let id): "job:" + id
        case .models: "models"
        case .resync: "resync"
        }
    }

    static func change(_ payload: String) -> StoreChange? {
        switch payload {
        case "queued": .jobQueued
        case "models": .models
        case "resync": .resync
        default: payload.hasPrefix("job:") ? .job(id: String(payload.dropFirst(4))) : nil
        }
    }

    /// Announces `change` to every replica when the transaction of `connection` commits.
    func notify(_ change: StoreChange, on connection: PostgresConnection) async throws {
        try await connection.query("SELECT pg_notify(\(Self.channel), \(Self.payload(change)))", logger: logger)
    }

    // MARK: - Errors

    private static let connectionErrors: Set<PSQLError.Code> = [
        .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed,
    ]

    /// Runs a database call, turning the errors of a database that cannot be reached into
    /// `StoreError.unavailable`, which the API answers with 503 and `Retry-After`. While the server does not answer,
    /// the pool keeps requests waiting for a connection (up to a minute before its circuit breaker opens): the call
    /// gives up after `timeout` instead.
    func database<Result: Sendable>(timeout: Duration = .seconds(5),
                                    _ body: @escaping @Sendable () async throws -> Result) async throws -> Result {
        do {
            return try await withThrowingTaskGroup(of: Result?.self) { group in
                group.addTask {
                    do {
                        return try await body()
                    } catch let error as PostgresTransactionError {
                        // The transaction's own failure, or the first error of the statements it ran.
                        throw error.closureError ?? error.beginError ?? error.commitError ?? error
                    }
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                defer { group.cancelAll() }
                guard case .some(.some(let result)) = try await group.next() else {
                    throw StoreError.unavailable("the database did not answer within \(timeout)")
                }
                return result
            }
        } catch let error as StoreError {
            throw error
        } catch let error as CancellationError {
            throw error
        } catch let error as PostgresDecodingError {
            logger.error("database answer not understood", metadata: ["error": "\(String(reflecting: error))"])
            throw error
        } catch let error as PSQLError where error.code == .server {
            let state = error.serverInfo?[.sqlState] ?? ""
            // Class 08: connection exception; 57: operator intervention (shutdown); 53300: too many connections.
            if state.hasPrefix("08") || state.hasPrefix("57") || state == "53300" {
                throw StoreError.unavailable("the database refused the connection (\(state))")
            }
            logger.error("database error", metadata: ["error": "\(String(reflecting: error))"])
            throw error
        } catch let error as PSQLError where !Self.connectionErrors.contains(error.code) {
            logger.error("database error", metadata: ["error": "\(String(reflecting: error))"])
            throw error
        } catch {
            // Connection failures: PSQLError's own, and the pool's (its circuit breaker open, say).
            throw StoreError.unavailable(String(describing: error))
        }
    }

}
