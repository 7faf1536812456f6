import Foundation
import Logging
import PostgresNIO
import Testing
@testable import LogitPostgres
import LogitStore

/// A database made by an earlier version of the schema is brought up to date without losing what it holds.
@Suite struct PostgresMigrationTests {
    /// An upload stored before migration 2 keeps its row and gets no summary (NULL): the registry fills it in when
    /// listing.
    @Test func uploadsStoredBeforeSummariesSurviveTheMigration() async throws {
        try await Backend.withNewPostgresDatabase { url in
            let store = PostgresStore(url: url, logger: Logger(label: "migration"))
            try await store.withRunning {
                // The schema as migration 1 left it, with one upload.
                let first = try #require(PostgresMigrations.all.first { $0.version == 1 })
                for statement in first.statements { try await store.client.query(statement) }
                try await store.client.query("""
                    CREATE TABLE schema_migration (
                        version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
                    """)
                try await store.client.query("INSERT INTO schema_migration (version, name) VALUES (1, \(first.name))")
                let contents = Data("1,0\n2,1\n".utf8)
                try await store.client.query("""
                    INSERT INTO dataset (name, manifest, created_at, contents)
                    VALUES ('old', '{"format":"csv"}', now(), \(contents))
                    """)

                try await store.prepare()
                let applied = try await store.appliedMigrations()
                #expect(applied.contains("v2: listing summaries of uploaded data sets"))
                #expect(applied.last == "v3: sweeps and their points")
                #expect(try await store.storedDatasets().map(\.name) == ["old"])
                #expect(try await store.storedDatasets().first?.summary == nil)
                try await store.setDatasetSummary(name: "old", summary: #"{"features":1}"#)
                #expect(try await store.storedDatasets().first?.summary == #"{"features":1}"#)
                #expect(try await store.datasetContents(name: "old") == contents)
            }
        }
    }
}
