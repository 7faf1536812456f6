import Foundation
import Testing
import LogitCore
@testable import LogitStore

/// `ModelStore.version(name:reference:)` and `loadDefaultVersion()`: resolve a reference, then load the version.
@Suite struct VersionLoadingTests {
    @Test func aNumberLatestAndAnAliasEachLoadTheVersionTheyName() async throws {
        let store = try SQLiteStore(path: temporaryDatabasePath())
        _ = try await store.insertVersion(sampleVersion(weights: [1, 1, 1, 1, 1, 1]))
        _ = try await store.insertVersion(sampleVersion(weights: [2, 2, 2, 2, 2, 2]))
        try await store.setAlias(name: "digits", alias: "stable", version: 1)

        #expect(try await store.version(name: "digits", reference: .number(1)).model.weights.first == 1)
        #expect(try await store.version(name: "digits", reference: .latest).metadata.version == 2)
        #expect(try await store.version(name: "digits", reference: .latest).model.weights.first == 2)
        #expect(try await store.version(name: "digits", reference: .alias("stable")).metadata.version == 1)
    }

    @Test func aMissingVersionOrModelIsAnError() async throws {
        let store = try SQLiteStore(path: temporaryDatabasePath())
        _ = try await store.insertVersion(sampleVersion())
        _ = try await store.insertVersion(sampleVersion())
        try await store.deleteVersion(name: "digits", number: 1)

        await #expect(throws: StoreError.self) { try await store.version(name: "digits", reference: .number(1)) }
        await #expect(throws: StoreError.self) { try await store.version(name: "digits", reference: .alias("nope")) }
        await #expect(throws: StoreError.self) { try await store.version(name: "nobody", reference: .latest) }
        // latest moves past the deleted version.
        #expect(try await store.version(name: "digits", reference: .latest).metadata.version == 2)
    }

    @Test func theDefaultVersionIsTheDefaultAliasElseTheNewest() async throws {
        let store = try SQLiteStore(path: temporaryDatabasePath())
        #expect(try await store.loadDefaultVersion() == nil)
        _ = try await store.insertVersion(sampleVersion(name: "first"))
        _ = try await store.insertVersion(sampleVersion(name: "second"))
        #expect(try await store.loadDefaultVersion()?.metadata.name == "second")
        try await store.setAlias(name: "first", alias: "default", version: 1)
        #expect(try await store.loadDefaultVersion()?.metadata.name == "first")
    }
}
