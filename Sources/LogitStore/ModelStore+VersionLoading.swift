/// "Resolve a reference, then load the version": the one way every reader gets a stored version.
/// A version can be deleted between the two steps; a moving reference (`latest`, an alias, the default) is then
/// resolved again, so the caller gets the version that now answers rather than an error.
extension ModelStore {
    /// The version `reference` of `name`, loaded.
    public func version(name: String, reference: VersionReference) async throws -> ModelVersion {
        for _ in 0..<Self.resolveAttempts {
            let metadata = try await resolve(name: name, reference: reference)
            if let version = try await version(name: metadata.name, number: metadata.version) { return version }
            if case .number = reference { break }
        }
        throw StoreError.unknownVersion(name: name, reference: reference.description)
    }

    /// The version that serves requests naming no model (`defaultVersion()`), loaded; nil when there is no model.
    public func loadDefaultVersion() async throws -> ModelVersion? {
        for _ in 0..<Self.resolveAttempts {
            guard let metadata = try await defaultVersion() else { return nil }
            if let version = try await version(name: metadata.name, number: metadata.version) { return version }
        }
        throw StoreError.unknownVersion(name: "default", reference: "default")
    }

    private static var resolveAttempts: Int { 5 }
}
