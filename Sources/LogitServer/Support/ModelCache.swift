import LogitCore
import LogitStore
import NIOConcurrencyHelpers

/// A model version ready to answer predictions.
struct ServableModel: Sendable {
    let metadata: ModelVersionMetadata
    let model: TrainedModel
    let transform: FeatureTransform
}

extension ServableModel {
    /// A stored version, with the preprocessing it was trained with.
    init(_ version: ModelVersion) {
        self.init(metadata: version.metadata, model: version.model,
                  transform: FeatureTransform(version.metadata.preprocessing, featureCount: version.metadata.featureCount))
    }
}

/// Resolved, loaded model versions, so a prediction reads the database only the first time a name/version is asked
/// for. Every change to versions or aliases, and every new version, empties it.
final class ModelCache: Sendable {
    private struct State {
        var entries: [String: ServableModel] = [:]
        /// Bumped by every invalidation, so a lookup that raced one does not store a stale answer.
        var generation = 0
    }

    /// A pthread mutex (NIO's box) rather than Synchronization's Mutex: the Mutex's contended path is in the
    /// uninstrumented runtime, so ThreadSanitizer (`make test-tsan`) would report the accesses it guards as races.
    private let state = NIOLockedValueBox(State())
    private let store: any ModelStore

    init(store: any ModelStore) {
        self.store = store
    }

    private func resolve(name: String?, reference: VersionReference?) async throws -> ModelVersionMetadata {
        if let name { return try await store.resolve(name: name, reference: reference ?? .latest) }
        if reference != nil {
            throw APIError.badRequest("'version' needs 'model' to say which model it is a version of",
                                      code: "VERSION_WITHOUT_MODEL")
        }
        guard let found = try await store.defaultVersion() else {
            throw APIError(.notFound, code: "NO_MODEL",
                           "no model has been trained yet: POST /train first, or wait for the first model")
        }
        return found
    }

    func invalidate() {
        state.withLockedValue {
            $0.entries.removeAll()
            $0.generation += 1
        }
    }

    private static func key(name: String?, reference: VersionReference?) -> String {
        if name == nil, reference == nil { return "@" }  // the default model, most predictions' (no formatting)
        return "\(name ?? "")@\(reference?.description ?? "")"
    }

    /// The entry `servable(name:reference:)` would answer without reading the store, if it is loaded.
    func cached(name: String?, reference: VersionReference?) -> ServableModel? {
        let key = Self.key(name: name, reference: reference)
        return state.withLockedValue { $0.entries[key] }
    }

    /// The version `reference` of `name`, or the default model when `name` is nil.
    func servable(name: String?, reference: VersionReference?) async throws -> ServableModel {
        let key = Self.key(name: name, reference: reference)
        let (cached, generation) = state.withLockedValue { ($0.entries[key], $0.generation) }
        if let cached { return cached }

        // A version can be deleted between resolving a name (default, latest, alias) and loading it: resolve
        // again then, so such a request gets the model that now answers instead of a 404.
        var loaded: ModelVersion?
        for _ in 0..<5 where loaded == nil {
            let metadata = try await resolve(name: name, reference: reference)
            loaded = try await store.version(name: metadata.name, number: metadata.version)
            if loaded == nil, case .number(let number)? = reference {
                throw StoreError.unknownVersion(name: metadata.name, reference: String(number))
            }
        }
        guard let version = loaded else {
            throw StoreError.unknownVersion(name: name ?? "default", reference: reference?.description ?? "default")
        }
        let servable = ServableModel(version)
        state.withLockedValue {
            if $0.generation == generation { $0.entries[key] = servable }
        }
        return servable
    }
}
