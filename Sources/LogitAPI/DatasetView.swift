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

    public init(_ dataset: Dataset, description: String) {
        name = dataset.name
        self.description = description
        features = dataset.featureCount
        trainRows = dataset.train.rowCount
        testRows = dataset.test?.rowCount
        classes = dataset.classes
        imageShape = dataset.imageShape.map { [$0.height, $0.width] }
        defaultTask = dataset.defaultTask
        defaultPreprocess = dataset.defaultPreprocess
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
