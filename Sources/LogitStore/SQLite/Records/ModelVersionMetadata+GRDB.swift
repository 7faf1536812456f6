import GRDB

/// Metadata is read straight from the metadata columns of `model_version` (see `ModelVersionRow`).
extension ModelVersionMetadata: FetchableRecord {
    /// The columns of `model_version` that hold metadata.
    static let databaseColumns = CodingKeys.allCases.map { Column($0) }
}
