import LogitCore
import LogitData

/// A data set jobs can train on (`Dataset` in public/openapi.yaml): its shape, its classes, and what a job on it
/// learns and how it preprocesses unless the request says otherwise.
public struct DatasetView: Codable, Sendable {
    public var name: String
    public var description: String
    public var features: Int
    public var trainRows: Int
    public var testRows: Int?
    public var classes: [Int]
    public var imageShape: [Int]?
    public var defaultTask: ClassificationTask
    public var defaultPreprocess: PreprocessKind

    public init(name: String, description: String, summary: DatasetSummary) {
        self.name = name
        self.description = description
        features = summary.features
        trainRows = summary.trainRows
        testRows = summary.testRows
        classes = summary.classes
        imageShape = summary.imageShape
        defaultTask = summary.defaultTask
        defaultPreprocess = summary.defaultPreprocess
    }

    /// A listed data set: what `GET /datasets` shows, without its rows.
    public init(_ listing: DatasetListing) {
        self.init(name: listing.name, description: listing.description, summary: listing.summary)
    }

    /// A loaded data set (the answer to an upload).
    public init(_ dataset: Dataset, description: String) {
        self.init(name: dataset.name, description: description, summary: DatasetSummary(dataset))
    }

    enum CodingKeys: String, CodingKey {
        case name, description, features, classes
        case trainRows = "train_rows"
        case testRows = "test_rows"
        case imageShape = "image_shape"
        case defaultTask = "default_task"
        case defaultPreprocess = "default_preprocess"
    }
}
