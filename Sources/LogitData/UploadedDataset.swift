/// An uploaded data set as `UploadedDatasets` lists it: how to read it, and what listing it shows.
public struct UploadedDataset: Sendable {
    public let name: String
    public let manifest: DatasetManifest
    /// nil for an upload stored before summaries were kept; the registry fills it in once (`storeSummary`).
    public let summary: DatasetSummary?

    public init(name: String, manifest: DatasetManifest, summary: DatasetSummary?) {
        self.name = name
        self.manifest = manifest
        self.summary = summary
    }
}
