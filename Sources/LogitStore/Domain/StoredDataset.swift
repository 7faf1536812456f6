import Foundation

/// An uploaded data set as the store keeps it: its name and its manifest (`DatasetManifest` as JSON, which says
/// how to read the file).
public struct StoredDataset: Sendable, Equatable {
    public var name: String
    public var manifest: String
    public var createdAt: Date

    public init(name: String, manifest: String, createdAt: Date) {
        self.name = name
        self.manifest = manifest
        self.createdAt = createdAt
    }
}
