import Foundation
import Hummingbird
import HummingbirdTesting
import LogitAPI
import LogitData
import LogitServer
import LogitStore
import NIOCore
import Testing

/// `GET /datasets` answers from summaries, loading nothing, with the very answer that loading every data set gave;
/// data sets evicted after going unused are loaded again by the next job; uploads stored before summaries get one.
@Suite struct DatasetListAPITests {
    let data = repositoryRoot.appendingPathComponent("data").path

    @Test func listingLoadsNothingAndAnswersAsLoadingDid() async throws {
        // A registry of its own: the tests' shared one may hold data sets other tests loaded.
        let registry = DatasetRegistry(dataDirectory: data)
        let app = try await buildApplication(testConfiguration(), datasets: registry)
        try await app.test(.router) { client in
            let response = try await client.request(.get, "/datasets")
            #expect(response.status == .ok)
            #expect(registry.loads == 0 && registry.loadedNames.isEmpty, "listing loaded \(registry.loadedNames)")
            let listed = try #require(try json(response)["datasets"] as? [[String: Any]])
            #expect(Set(listed.compactMap { $0["name"] as? String }).isSuperset(of: ["mnist", "breast-cancer-wisconsin"]))
            for item in listed {
                let name = try #require(item["name"] as? String)
                let entry = try #require(registry.entries.first { $0.name == name })
                // The view as GET /datasets built it before: from the loaded data set.
                let before = DatasetView(try registry.dataset(named: name), description: entry.description)
                let expected = try #require(
                    try JSONSerialization.jsonObject(with: APIJSON.encoder.encode(before)) as? [String: Any])
                #expect(Set(item.keys) == Set(expected.keys), "\(name)")
                for (field, value) in expected {
                    #expect(NSDictionary(dictionary: [field: value]) == NSDictionary(dictionary: [field: item[field] as Any]),
                            "\(name).\(field): \(String(describing: item[field])) instead of \(value)")
                }
            }
        }
    }

    @Test func anEvictedDataSetIsLoadedAgainForTheNextJob() async throws {
        let registry = DatasetRegistry(dataDirectory: data, idleLimit: .seconds(60))
        let app = try await buildApplication(testConfiguration(), datasets: registry)
        let job = #"{"dataset":"breast-cancer-wisconsin","epochs":20}"#
        try await app.test(.router) { client in
            #expect(try await client.waitForJob(try await client.submit(job)).status == .succeeded)
            #expect(registry.loadedNames == ["breast-cancer-wisconsin"])
            let loads = registry.loads
            #expect(registry.evictIdle(now: .now + .seconds(61)) == ["breast-cancer-wisconsin"])
            #expect(registry.loadedNames.isEmpty)
            let second = try await client.waitForJob(try await client.submit(job))
            #expect(second.status == .succeeded && second.model?.version == 2)
            #expect(registry.loads == loads + 1 && registry.loadedNames == ["breast-cancer-wisconsin"])
        }
    }

    @Test func anUploadStoredWithoutASummaryGetsOneWhenFirstListed() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("logit-list-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let configuration = testConfiguration(dataDirectory: directory)
        // As an upload stored before summaries were kept: in the store only, with no summary.
        try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: configuration.database).deletingLastPathComponent().path,
                                                withIntermediateDirectories: true)
        let store = try SQLiteStore(path: configuration.database)
        try await store.insertDataset(
            StoredDataset(name: "old", manifest: #"{"file":"data.csv","format":"csv","label_column":3,"header":true}"#,
                          createdAt: Date()),
            contents: Data(DatasetUploadTests.csv.utf8))
        #expect(try await store.storedDatasets().first?.summary == nil)
        try await testApplication(configuration).test(.router) { client in
            let listed = try decode(DatasetListView.self, try await client.request(.get, "/datasets")).datasets
            let old = try #require(listed.first { $0.name == "old" })
            #expect(old.trainRows == 200 && old.features == 3 && old.classes == [0, 1])
            #expect(old.defaultTask == .binary(positive: [1]) && old.description == "uploaded csv")
        }
        let summary = try #require(try await store.storedDatasets().first?.summary)
        let stored = try JSONDecoder().decode(DatasetSummary.self, from: Data(summary.utf8))
        #expect(stored.trainRows == 200 && stored.features == 3 && stored.classes == [0, 1])
    }

    @Test func anUploadIsListedByAnotherReplicaFromItsStoredSummary() async throws {
        func emptyDirectory() throws -> String {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("logit-list-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            return directory
        }
        let uploading = testConfiguration(dataDirectory: try emptyDirectory())
        try await testApplication(uploading).test(.router) { client in
            let created = try await client.execute(
                uri: "/datasets?name=groups&format=csv&label_column=3&header=true", method: .post,
                headers: [.contentType: "application/octet-stream"], body: ByteBuffer(string: DatasetUploadTests.csv)) { $0 }
            #expect(created.status == .created)
        }
        let summary = try #require(try await SQLiteStore(path: uploading.database).storedDatasets().first?.summary)
        #expect(try JSONDecoder().decode(DatasetSummary.self, from: Data(summary.utf8)).trainRows == 200)
        // Another replica lists it without fetching or loading it.
        let training = testConfiguration(database: uploading.database, dataDirectory: try emptyDirectory())
        try await testApplication(training).test(.router) { client in
            let listed = try decode(DatasetListView.self, try await client.request(.get, "/datasets")).datasets
            #expect(listed.first { $0.name == "groups" }?.trainRows == 200)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: training.dataDirectory).isEmpty,
                "listing fetched the upload into the data directory")
    }
}
