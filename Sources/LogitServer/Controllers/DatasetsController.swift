import Hummingbird
import LogitData

/// `GET /datasets`: the data sets jobs can train on.
struct DatasetsController {
    let datasets: DatasetRegistry

    struct DatasetView: Encodable {
        var name: String
        var description: String
    }

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("datasets") { _, _ in
            JSONResponse(["datasets": datasets.entries.map { DatasetView(name: $0.name, description: $0.description) }])
        }
    }
}
