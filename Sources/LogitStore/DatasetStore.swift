import Foundation

/// Data sets uploaded through the API, kept in the database so that every replica can train on them (the bundled
/// ones come from each replica's data directory).
public protocol DatasetStore: Sendable {
    /// Uploaded data sets, without their contents, by name.
    func storedDatasets() async throws -> [StoredDataset]
    /// The file of an uploaded data set; nil when there is none of that name.
    func datasetContents(name: String) async throws -> Data?
    /// Stores an uploaded data set; throws `StoreError.conflict` when the name is taken.
    func insertDataset(_ dataset: StoredDataset, contents: Data) async throws
    /// Sets the summary of an uploaded data set (those stored before summaries were kept); no data set of that
    /// name is not an error.
    func setDatasetSummary(name: String, summary: String) async throws
}
