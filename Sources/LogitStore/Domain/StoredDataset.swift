import Foundation

/// An uploaded data set as the store keeps it: its name, its manifest (`DatasetManifest` as JSON, which says how to
/// read the file) and its summary (`DatasetSummary` as JSON, what listing it shows without reading the file; nil
/// for uploads stored before summaries were kept, until the registry fills it in).
public struct StoredDataset: Sendable, Equatable {
    public var name: String
    public var manifest: String
    public var summary: String?
    public var createdAt: Date

    public init(name: String, manifest: String, summary: String? = nil, createdAt: Date) {
        self.name = name
        self.manifest = manifest
        self.summary = summary
        self.createdAt = createdAt
    }
}
