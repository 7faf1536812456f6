import Foundation
import GRDB

extension SQLiteStore {
    public func storedDatasets() async throws -> [StoredDataset] {
        try await database.read { db in
            try Row.fetchAll(db, DatasetRecord.select { [$0.name, $0.manifest, $0.summary, $0.createdAt] }.order(\.name))
                .map { StoredDataset(name: $0["name"], manifest: $0["manifest"], summary: $0["summary"],
                                     createdAt: $0["created_at"]) }
        }
    }

    public func datasetContents(name: String) async throws -> Data? {
        try await database.read { db in
            try Data.fetchOne(db, DatasetRecord.filter { $0.name == name }.select(Column("contents")))
        }
    }

    public func insertDataset(_ dataset: StoredDataset, contents: Data) async throws {
        try await database.write { db in
            guard try DatasetRecord.fetchOne(db, key: dataset.name) == nil else {
                throw StoreError.conflict("a data set named '\(dataset.name)' exists already")
            }
            try DatasetRecord(name: dataset.name, manifest: dataset.manifest, summary: dataset.summary,
                              createdAt: dataset.createdAt, contents: contents).insert(db)
            FaultPoint.datasetMidStore.reach()
        }
    }

    public func setDatasetSummary(name: String, summary: String) async throws {
        try await database.write { db in
            _ = try DatasetRecord.filter { $0.name == name }.updateAll(db) { $0.summary.set(to: summary) }
        }
    }
}
