import Foundation
import LogitData
import LogitStore

/// Uploaded data sets kept in the store, so every replica sharing it can train on them.
struct StoredUploads: UploadedDatasets {
    let store: any DatasetStore

    func manifests() async throws -> [(name: String, manifest: DatasetManifest)] {
        let decoder = JSONDecoder()
        return try await store.storedDatasets().map {
            ($0.name, try decoder.decode(DatasetManifest.self, from: Data($0.manifest.utf8)))
        }
    }

    func contents(of name: String) async throws -> Data? {
        try await store.datasetContents(name: name)
    }

    func store(name: String, manifest: DatasetManifest, contents: Data) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(manifest), as: UTF8.self)
        do {
            try await store.insertDataset(StoredDataset(name: name, manifest: json, createdAt: Date()),
                                          contents: contents)
        } catch StoreError.conflict {
            throw DatasetRegistry.LookupError.exists(name: name)
        }
    }
}
