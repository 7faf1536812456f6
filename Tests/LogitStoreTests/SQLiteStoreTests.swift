import Foundation
import GRDB
import Testing
import LogitCore
@testable import LogitStore

func temporaryDatabasePath() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("logit-store-\(UUID().uuidString).sqlite").path
}

func sampleVersion(name: String = "digits", weights: [Float]? = nil) -> ModelVersion {
    let model = LinearModel(
        kind: .softmax, featureCount: 3,
        weights: weights ?? [0.5, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude, -1.25, 3.0e-8],
        biases: [0.1, -0.2])
    let metadata = ModelVersionMetadata(
        name: name, kind: .softmax, classes: [.integer(0), .name("rest")], preprocessing: .unit(divisor: 255),
        featureCount: 3, imageShape: nil, dataset: "toy", hyperparameters: #"{"epochs":3}"#,
        metrics: ClassificationMetrics(classCount: 2, targets: [0, 1], probabilities: [0.9, 0.1, 0.3, 0.7]),
        trainingSeconds: 1.5, stopReason: "max_epochs", epochsCompleted: 3, jobId: nil, createdAt: Date())
    let curve = [CurvePoint(step: 1, epoch: 0.5, wallSeconds: 0.1, learningRate: 0.5, weightNorm: 1, trainLoss: 0.7,
                            trainObjective: 0.71, trainAccuracy: 0.5, validationLoss: 0.8, validationAccuracy: 0.4)]
    return ModelVersion(metadata: metadata, model: .linear(model), curves: curve)
}

@Suite struct SQLiteStoreTests {
    @Test func weightsAreStoredAsLittleEndianFloat32() async throws {
        let path = temporaryDatabasePath()
        let store = try SQLiteStore(path: path)
        _ = try await store.insertVersion(sampleVersion(weights: [1, 2, 3, 4, 5, -2]))
        let blob = try await store.database.read { try Data.fetchOne($0, sql: "SELECT weights FROM model_version") }
        #expect(blob.map(Array.init)?.prefix(8) == [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0x40])
    }

    @Test func migrationsRunOnAnEmptyFileAndOnAnExistingOne() async throws {
        let path = temporaryDatabasePath()
        do {
            let store = try SQLiteStore(path: path)
            #expect(try store.appliedMigrations().count == 6)
            _ = try await store.insertVersion(sampleVersion())
        }
        let reopened = try SQLiteStore(path: path)
        #expect(try reopened.appliedMigrations() == [
            "v1: jobs, curve points, models, versions, aliases",
            "v2: constant feature share and best epoch of versions",
            "v3: hidden layer of MLP versions",
            "v4: job leases and attempts, uploaded data sets",
            "v5: listing summaries of uploaded data sets",
            "v6: sweeps and their points",
        ])
        #expect(try await reopened.version(name: "digits", number: 1) != nil)
        let journal = try await reopened.database.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        #expect(journal == "wal")
    }

    /// An upload stored before v5 keeps its row and gets no summary (NULL): the registry fills it in when listing.
    @Test func uploadsStoredBeforeSummariesSurviveTheMigration() async throws {
        let path = temporaryDatabasePath()
        do {
            let queue = try DatabaseQueue(path: path)
            try Migrations.migrator.migrate(queue, upTo: "v4: job leases and attempts, uploaded data sets")
            try await queue.write { db in
                try db.execute(sql: "INSERT INTO dataset (name, manifest, created_at, contents) VALUES (?, ?, ?, ?)",
                               arguments: ["old", #"{"format":"csv"}"#, Date(), Data("1,0\n2,1\n".utf8)])
            }
        }
        let store = try SQLiteStore(path: path)
        #expect(try store.appliedMigrations().contains("v5: listing summaries of uploaded data sets"))
        #expect(try store.appliedMigrations().last == "v6: sweeps and their points")
        #expect(try await store.storedDatasets().map(\.name) == ["old"])
        #expect(try await store.storedDatasets().first?.summary == nil)
        try await store.setDatasetSummary(name: "old", summary: #"{"features":1}"#)
        #expect(try await store.storedDatasets().first?.summary == #"{"features":1}"#)
        #expect(try await store.datasetContents(name: "old") == Data("1,0\n2,1\n".utf8))
    }

    @Test func versionsNumberPerNameAndAreNeverReused() async throws {
        let store = try SQLiteStore(path: temporaryDatabasePath())
        #expect(try await store.insertVersion(sampleVersion()).version == 1)
        #expect(try await store.insertVersion(sampleVersion()).version == 2)
        #expect(try await store.insertVersion(sampleVersion(name: "other")).version == 1)
        try await store.deleteVersion(name: "digits", number: 2)
        #expect(try await store.insertVersion(sampleVersion()).version == 3)
        #expect(try await store.resolve(name: "digits", reference: .latest).version == 3)
        await #expect(throws: StoreError.unknownVersion(name: "digits", reference: "2")) {
            try await store.resolve(name: "digits", reference: .number(2))
        }
        await #expect(throws: StoreError.unknownModel("nope")) {
            try await store.resolve(name: "nope", reference: .latest)
        }
    }

    @Test func aliasesResolveAndChooseTheDefaultModel() async throws {
        let store = try SQLiteStore(path: temporaryDatabasePath())
        _ = try await store.insertVersion(sampleVersion())
        _ = try await store.insertVersion(sampleVersion())
        _ = try await store.insertVersion(sampleVersion(name: "newest"))
        #expect(try await store.defaultVersion()?.name == "newest")
        try await store.setAlias(name: "digits", alias: "default", version: 1)
        #expect(try await store.resolve(name: "digits", reference: .alias("default")).version == 1)
        let chosen = try await store.defaultVersion()
        #expect(chosen?.name == "digits" && chosen?.version == 1)
        await #expect(throws: StoreError.unknownVersion(name: "digits", reference: "9")) {
            try await store.setAlias(name: "digits", alias: "x", version: 9)
        }
        // Deleting the aliased version removes the alias with it.
        try await store.deleteVersion(name: "digits", number: 1)
        #expect(try await store.model(named: "digits")?.aliases == [:])
        #expect(try await store.defaultVersion()?.name == "newest")
    }

}
