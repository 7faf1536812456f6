import Foundation
import LogitAPI
import Hummingbird
import LogitCore
import NIOCore
import LogitData

/// `GET /datasets`: the data sets jobs can train on, with their shapes and classes; `POST /datasets`: a new one
/// from an uploaded CSV or HDF5 file.
struct DatasetsController {
    let datasets: DatasetRegistry
    let maxUploadBytes: Int

    var endpoints: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .get(use: list)
            .post(use: create)
    }

    @Sendable func list(request: Request, context: AppRequestContext) async throws
        -> JSONResponse<DatasetListView>
    {
        // From the data sets' summaries: listing loads none of them (a job or a picture does, when it uses one).
        JSONResponse(DatasetListView(datasets: try await datasets.listing().map(DatasetView.init)))
    }

    /// The body is the file itself; the query says how to read it:
    /// `?name=NAME&format=csv&label_column=K[&header=true][&drop_columns=0,3][&description=...]`  or  `&format=hdf5`
    @Sendable func create(request: Request, context: AppRequestContext) async throws -> JSONResponse<DatasetView> {
        let query = request.uri.queryParameters
        guard let name = query.get("name"), DatasetRegistry.isValidName(name) else {
            throw APIError.badRequest("give the data set a 'name' of 1-64 characters of A-Z a-z 0-9 . _ -",
                                      code: "INVALID_NAME")
        }
        let manifest: DatasetManifest
        switch query.get("format") {
        case "csv":
            guard let labelColumn = query.get("label_column", as: Int.self), labelColumn >= 0 else {
                throw APIError.badRequest("a CSV upload needs 'label_column', the 0-based column of the integer labels",
                                          code: "MISSING_LABEL_COLUMN")
            }
            var dropped: [Int] = []
            for field in (query.get("drop_columns") ?? "").split(separator: ",") {
                guard let column = Int(field), column >= 0 else {
                    throw APIError.badRequest("'drop_columns' is a comma-separated list of column numbers",
                                              code: "INVALID_DROP_COLUMNS")
                }
                dropped.append(column)
            }
            manifest = DatasetManifest(description: query.get("description"), format: .csv, file: "data.csv",
                                       labelColumn: labelColumn, dropColumns: dropped,
                                       header: query.get("header") == "true")
        case "hdf5":
            manifest = DatasetManifest(description: query.get("description"), format: .hdf5, file: "data.h5")
        default:
            throw APIError.badRequest("'format' must be csv or hdf5 (IDX data sets are added as folders in the data directory)",
                                      code: "INVALID_FORMAT")
        }
        let body = try await APICoding.body(of: request, limit: maxUploadBytes, expecting: "the file itself")
        let dataset = try await datasets.adding(name: name, file: Data(body.readableBytesView), manifest: manifest)
        return JSONResponse(DatasetView(dataset, description: manifest.description ?? "uploaded \(manifest.format.rawValue)"),
                            status: .created, headers: [.location: "/datasets"])
    }
}
