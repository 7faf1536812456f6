import GRDB

/// Metadata is read straight from the metadata columns of `model_version` (see `ModelVersionRow`).
extension ModelVersionMetadata: FetchableRecord {
    /// The columns of `model_version` that hold metadata, so listings never read the weight BLOBs.
    static var columns: [any SQLSelectable] { CodingKeys.allCases.map { Column($0.rawValue) } }
}
