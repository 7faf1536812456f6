import Foundation
import LogitData
import LogitStore

/// Uploaded data sets kept in the store, so every replica sharing it can train on them. Manifests and summaries are
/// kept as JSON.
struct StoredUploads: UploadedDatasets {
    let store: any DatasetStore

    func uploaded() async throws -> [UploadedDataset] {
        let decoder = JSONDecoder()
        return try await store.storedDatasets().map {
            UploadedDataset(
                name: $0.name, manifest: try decoder.decode(DatasetManifest.self, from: Data($0.manifest.utf8)),
                summary: try $0.summary.map { try decoder.decode(DatasetSummary.self, from: Data($0.utf8)) })
        }
    }

    func contents(of name: String) async throws -> Data? {
        try await store.datasetContents(name: name)
    }

    func store(name: String, manifest: DatasetManifest, summary: DatasetSummary, contents: Data) async throws {
        do {
            try await store.insertDataset(
                StoredDataset(name: name, manifest: try Self.json(manifest), summary: try Self.json(summary),
                              createdAt: Date()),
                contents: contents)
        } catch StoreError.conflict {
            throw DatasetRegistry.LookupError.exists(name: name)
        }
    }

    func storeSummary(_ summary: DatasetSummary, of name: String) async throws {
        try await store.setDatasetSummary(name: name, summary: try Self.json(summary))
    }

    private static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
