import Hummingbird
import LogitCore
import LogitData
import LogitImaging
import LogitPictures
import LogitStore
import NIOCore

/// PNG images of a version: `weights.png` (`scale`, `colormap=diverging|gray`, `class`), `mean-images.png`
/// (`scale`), `misclassified.png` (`limit`, `scale`).
struct ImagesController {
    let store: any ModelStore
    let datasets: DatasetRegistry

    var endpoints: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .get(":name/versions/:version/weights.png", use: weightsImage)
            .get(":name/versions/:version/mean-images.png", use: meanImages)
            .get(":name/versions/:version/misclassified.png", use: misclassifiedImages)
    }

    @Sendable func weightsImage(request: Request, context: AppRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        var options = TileGridOptions()
        options.scale = try Self.integer(query, "scale", default: 8, in: 1...32)
        if let name = query.get("colormap") {
            guard let colormap = Colormap(rawValue: name) else {
                throw APIError.badRequest("colormap is 'diverging' or 'gray'", code: "INVALID_COLORMAP")
            }
            options.colormap = colormap
        }
        let version = try await load(context)
        let only = query.get("class")
        let chosen = options
        return try Self.png(try await offload { try ModelImages.weights(version, options: chosen, only: only) })
    }

    @Sendable func meanImages(request: Request, context: AppRequestContext) async throws -> Response {
        let scale = try Self.integer(request.uri.queryParameters, "scale", default: 4, in: 1...16)
        let version = try await load(context)
        let datasets = self.datasets
        return try Self.png(try await offload { try ModelImages.meanImages(version, datasets: datasets, scale: scale) })
    }

    @Sendable func misclassifiedImages(request: Request, context: AppRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let limit = try Self.integer(query, "limit", default: 36, in: 1...400)
        let scale = try Self.integer(query, "scale", default: 3, in: 1...16)
        let version = try await load(context)
        let datasets = self.datasets
        return try Self.png(try await offload {
            try ModelImages.misclassified(version, datasets: datasets, limit: limit, scale: scale)
        })
    }

    private func load(_ context: some RequestContext) async throws -> ModelVersion {
        let (name, reference) = try ModelsController.versionPath(context)
        return try await store.version(name: name, reference: reference)
    }

    static func integer(_ query: Parameters, _ name: String, default value: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let text = query.get(name) else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw APIError.badRequest("'\(name)' must be an integer in \(range.lowerBound)...\(range.upperBound)",
                                      code: "INVALID_PARAMETER")
        }
        return number
    }

    static func png(_ bytes: [UInt8]) throws -> Response {
        Response(status: .ok, headers: [.contentType: "image/png", .cacheControl: "max-age=3600"],
                 body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
