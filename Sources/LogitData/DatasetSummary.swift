import LogitCore

/// What listing a data set shows (`GET /datasets`), known without loading its rows: for a folder of the data
/// directory it is read from the files' headers or a scan of the labels (`DatasetManifest.summarize`), for an upload
/// it is kept with the upload in the store. Loading the data set itself is left to the jobs and pictures that use it.
public struct DatasetSummary: Codable, Sendable, Equatable {
    public var features: Int
    public var trainRows: Int
    /// Rows of the official test split; nil when there is none.
    public var testRows: Int?
    /// Every label value that occurs, ascending.
    public var classes: [Int]
    /// Height and width for image data sets.
    public var imageShape: [Int]?
    public var defaultTask: ClassificationTask
    public var defaultPreprocess: PreprocessKind

    public init(features: Int, trainRows: Int, testRows: Int?, classes: [Int], imageShape: [Int]?,
                defaultTask: ClassificationTask, defaultPreprocess: PreprocessKind) {
        self.features = features
        self.trainRows = trainRows
        self.testRows = testRows
        self.classes = classes
        self.imageShape = imageShape
        self.defaultTask = defaultTask
        self.defaultPreprocess = defaultPreprocess
    }

    /// The summary of a loaded data set: what an upload keeps, and what the others must agree with.
    public init(_ dataset: Dataset) {
        self.init(features: dataset.featureCount, trainRows: dataset.train.rowCount, testRows: dataset.test?.rowCount,
                  classes: dataset.classes, imageShape: dataset.imageShape.map { [$0.height, $0.width] },
                  defaultTask: dataset.defaultTask, defaultPreprocess: dataset.defaultPreprocess)
    }

    enum CodingKeys: String, CodingKey {
        case features, classes
        case trainRows = "train_rows"
        case testRows = "test_rows"
        case imageShape = "image_shape"
        case defaultTask = "default_task"
        case defaultPreprocess = "default_preprocess"
    }
}
