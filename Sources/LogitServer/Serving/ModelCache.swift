import LogitServing
import LogitStore
import NIOConcurrencyHelpers

/// Resolved, loaded model versions, so a prediction reads the database only the first time a name/version is asked
/// for. Every change to versions or aliases, and every new version, empties it.
final class ModelCache: Sendable {
    private struct State {
        var entries: [String: Predictor] = [:]
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

    private func load(name: String?, reference: VersionReference?) async throws -> ModelVersion {
        if let name { return try await store.version(name: name, reference: reference ?? .latest) }
        if reference != nil {
            throw APIError.badRequest("'version' needs 'model' to say which model it is a version of",
                                      code: "VERSION_WITHOUT_MODEL")
        }
        guard let found = try await store.loadDefaultVersion() else {
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

    /// The entry `predictor(name:reference:)` would answer without reading the store, if it is loaded.
    func cached(name: String?, reference: VersionReference?) -> Predictor? {
        let key = Self.key(name: name, reference: reference)
        return state.withLockedValue { $0.entries[key] }
    }

    /// The predictor of version `reference` of `name`, or of the default model when `name` is nil.
    func predictor(name: String?, reference: VersionReference?) async throws -> Predictor {
        let key = Self.key(name: name, reference: reference)
        let (cached, generation) = state.withLockedValue { ($0.entries[key], $0.generation) }
        if let cached { return cached }
        let predictor = Predictor(try await load(name: name, reference: reference))
        state.withLockedValue {
            if $0.generation == generation { $0.entries[key] = predictor }
        }
        return predictor
    }
}
