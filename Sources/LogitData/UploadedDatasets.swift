import Foundation

/// Where uploaded data sets are kept beyond this process: the database every replica shares. A registry with one
/// stores each upload there too, and fetches from it the ones uploaded through other replicas when first used.
public protocol UploadedDatasets: Sendable {
    /// Uploaded data sets, by name, with the manifests that say how to read them and their summaries.
    func uploaded() async throws -> [UploadedDataset]
    /// The uploaded file; nil when no data set has that name.
    func contents(of name: String) async throws -> Data?
    /// Keeps an upload with its summary; throws `DatasetRegistry.LookupError.exists` when the name is taken.
    func store(name: String, manifest: DatasetManifest, summary: DatasetSummary, contents: Data) async throws
    /// Keeps the summary of an upload stored without one (before summaries were kept).
    func storeSummary(_ summary: DatasetSummary, of name: String) async throws
}
