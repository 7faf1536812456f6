import Foundation
import LogitPostgres
import LogitStore
import Logging
import PostgresNIO
import Testing

/// The backends the contract runs against. PostgreSQL needs a server: `make test` starts a throwaway one and
/// names it in LOGIT_TEST_POSTGRES_URL; every test gets a database of its own there.
enum Backend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres

    var testDescription: String { rawValue }

    static let postgresURLVariable = "LOGIT_TEST_POSTGRES_URL"

    /// Runs `body` with two handles on one new, empty database: the same store twice on SQLite (one process),
    /// two separate clients on PostgreSQL (two replicas).
    func withStores(_ body: @Sendable (any StoreBackend, any StoreBackend) async throws -> Void) async throws {
        switch self {
        case .sqlite:
            let path = FileManager.default.temporaryDirectory
                .appendingPathComponent("logit-contract-\(UUID().uuidString).sqlite").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            let store = try SQLiteStore(path: path)
            try await store.prepare()
            try await body(store, store)
        case .postgres:
            try await Self.withNewPostgresDatabase { url in
                let logger = Logger(label: "contract")
                let first = PostgresStore(url: url, logger: logger)
                let second = PostgresStore(url: url, logger: logger)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { await first.run() }
                    group.addTask { await second.run() }
                    defer { group.cancelAll() }
                    try await first.prepare()
                    try await second.prepare()
                    try await body(first, second)
                }
            }
        }
    }

    /// Runs `body` with a new, empty database on the test server (no schema yet), dropped afterwards.
    static func withNewPostgresDatabase(_ body: @Sendable (PostgresURL) async throws -> Void) async throws {
        guard let base = ProcessInfo.processInfo.environment[Self.postgresURLVariable] else {
            Issue.record("\(Self.postgresURLVariable) is not set: run the tests with make test, which starts a throwaway PostgreSQL")
            return
        }
        let name = "logit_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await Self.administer(base, "CREATE DATABASE \(name)")
        do {
            var components = try #require(URLComponents(string: base))
            components.path = "/" + name
            try await body(try PostgresURL(try #require(components.string)))
        } catch {
            try? await Self.administer(base, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
            throw error
        }
        try await Self.administer(base, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    /// Runs one statement on the server's own database (a client runs once, so each statement has its own).
    private static func administer(_ url: String, _ statement: String) async throws {
        let admin = PostgresStore(url: try PostgresURL(url), logger: Logger(label: "contract"))
        try await admin.withRunning { try await admin.client.query(PostgresQuery(unsafeSQL: statement)) }
    }
}
