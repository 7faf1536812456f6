import Foundation
import LogitStore
import PostgresNIO

extension PostgresStore {
    public func storedDatasets() async throws -> [StoredDataset] {
        try await database { [self] in
            var datasets: [StoredDataset] = []
            for try await (name, manifest, summary, createdAt) in try await client.query(
                "SELECT name, manifest, summary, created_at FROM dataset ORDER BY name", logger: logger
            ).decode((String, String, String?, Date).self) {
                datasets.append(StoredDataset(name: name, manifest: manifest, summary: summary, createdAt: createdAt))
            }
            return datasets
        }
    }

    public func datasetContents(name: String) async throws -> Data? {
        try await database { [self] in
            for try await contents in try await client.query(
                "SELECT contents FROM dataset WHERE name = \(name)", logger: logger
            ).decode(Data.self) {
                return contents
            }
            return nil
        }
    }

    public func insertDataset(_ dataset: StoredDataset, contents: Data) async throws {
        try await database { [self] in
            for try await _ in try await client.query("""
                INSERT INTO dataset (name, manifest, summary, created_at, contents)
                VALUES (\(dataset.name), \(dataset.manifest), \(dataset.summary), \(dataset.createdAt), \(contents))
                ON CONFLICT (name) DO NOTHING
                RETURNING name
                """, logger: logger)
            {
                return
            }
            throw StoreError.conflict("a data set named '\(dataset.name)' exists already")
        }
    }

    public func setDatasetSummary(name: String, summary: String) async throws {
        _ = try await database { [self] in
            try await client.query("UPDATE dataset SET summary = \(summary) WHERE name = \(name)", logger: logger)
        }
    }
}
