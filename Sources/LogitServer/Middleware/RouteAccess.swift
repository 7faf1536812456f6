import HTTPTypes

/// What a route does, for API keys: with `api_keys` set, a change always needs a key, and reads and predictions need
/// one only with `protect_reads`. Every route of the router is classed here by name (RouteAccessTests checks that
/// none is missing), so a new route is classed on purpose rather than by a rule about how its path ends.
enum RouteAccess: Sendable, Equatable {
    case read
    case predict
    case change

    /// "METHOD path", the path as Hummingbird names a matched route (`RequestContext.endpointPath`).
    static let routes: [String: RouteAccess] = [
        "GET /healthz/live": .read,
        "GET /healthz/ready": .read,
        "GET /metrics": .read,
        "GET /datasets": .read,
        "POST /datasets": .change,
        "POST /train": .change,
        "GET /train/defaults": .read,
        "GET /jobs": .read,
        "GET /jobs/{id}": .read,
        "POST /jobs/{id}/cancel": .change,
        "GET /jobs/{id}/events": .read,
        "POST /sweeps": .change,
        "GET /sweeps": .read,
        "GET /sweeps/{id}": .read,
        "POST /sweeps/{id}/cancel": .change,
        "GET /sweeps/{id}/events": .read,
        "GET /models": .read,
        "POST /models/import": .change,
        "GET /models/{name}": .read,
        "GET /models/{name}/versions/{version}": .read,
        "DELETE /models/{name}/versions/{version}": .change,
        "GET /models/{name}/versions/{version}/metrics": .read,
        "GET /models/{name}/versions/{version}/curves": .read,
        "GET /models/{name}/versions/{version}/model.h5": .read,
        "GET /models/{name}/versions/{version}/model.onnx": .read,
        "GET /models/{name}/versions/{version}/weights.png": .read,
        "GET /models/{name}/versions/{version}/mean-images.png": .read,
        "GET /models/{name}/versions/{version}/misclassified.png": .read,
        "POST /models/{name}/versions/{version}/predict": .predict,
        "PUT /models/{name}/aliases/{alias}": .change,
        "DELETE /models/{name}/aliases/{alias}": .change,
        "POST /predict": .predict,
        "GET /v2": .read,
        "GET /v2/health/live": .read,
        "GET /v2/health/ready": .read,
        "GET /v2/models/{name}": .read,
        "GET /v2/models/{name}/ready": .read,
        "POST /v2/models/{name}/infer": .predict,
        "GET /v2/models/{name}/versions/{version}": .read,
        "GET /v2/models/{name}/versions/{version}/ready": .read,
        "POST /v2/models/{name}/versions/{version}/infer": .predict,
    ]

    /// The class of a request to the route the router matched. A request that matched none (a file of the page, or
    /// a 404) reads when its method does, and changes otherwise.
    static func of(method: HTTPRequest.Method, endpointPath: String?) -> RouteAccess {
        if let endpointPath, let access = routes["\(method.rawValue) \(endpointPath)"] { return access }
        return [.get, .head, .options].contains(method) ? .read : .change
    }
}
