import Hummingbird
import LogitCore
import LogitData

/// `GET /datasets`: the data sets jobs can train on, with their shapes and classes.
struct DatasetsController {
    let datasets: DatasetRegistry

    struct DatasetView: Encodable {
        var name: String
        var description: String
        var features: Int
        var trainRows: Int
        var testRows: Int?
        var classes: [Int]
        var imageShape: [Int]?
        var defaultTask: ClassificationTask
        var defaultPreprocess: PreprocessKind

        enum CodingKeys: String, CodingKey {
            case name, description, features, classes
            case trainRows = "train_rows"
            case testRows = "test_rows"
            case imageShape = "image_shape"
            case defaultTask = "default_task"
            case defaultPreprocess = "default_preprocess"
        }
    }

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("datasets") { _, _ in
            var views: [DatasetView] = []
            for entry in datasets.entries {
                let dataset = try await datasets.loaded(entry.name)
                views.append(DatasetView(
                    name: entry.name, description: entry.description, features: dataset.featureCount,
                    trainRows: dataset.train.rowCount, testRows: dataset.test?.rowCount, classes: dataset.classes,
                    imageShape: dataset.imageShape.map { [$0.height, $0.width] }, defaultTask: dataset.defaultTask,
                    defaultPreprocess: dataset.defaultPreprocess))
            }
            return JSONResponse(["datasets": views])
        }
    }
}
