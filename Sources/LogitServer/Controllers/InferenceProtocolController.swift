import Foundation
import LogitAPI
import Hummingbird
import LogitCore
import LogitJobs
import LogitServing
import LogitStore

/// The KServe V2 / Open Inference Protocol REST endpoints: server and model metadata, health, and `infer` with one
/// numeric (FP32, FP64, UINT8, INT32 or INT64) `[N, features]` input, answered with FP32 probabilities and INT64
/// labels.
struct InferenceProtocolController {
    let store: any ModelStore
    let cache: ModelCache
    let predictions: PredictController
    let draining: DrainingFlag
    let maxBodyBytes: Int

    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
            .get(use: serverMetadata)
            .get("health/live", use: live)
            .get("health/ready", use: ready)
        // A model's routes answer for its latest version, or for the version the path names.
        for model in ["models/:name", "models/:name/versions/:version"] {
            routes
                .get(RouterPath(model), use: modelMetadata)
                .get(RouterPath(model + "/ready"), use: modelReady)
                .post(RouterPath(model + "/infer"), use: infer)
        }
        return routes
    }

    @Sendable func serverMetadata(request: Request, context: AppRequestContext) async throws
        -> JSONResponse<InferenceServerMetadata>
    {
        JSONResponse(InferenceServerMetadata())
    }

    @Sendable func live(request: Request, context: AppRequestContext) async throws -> JSONResponse<[String: Bool]> {
        JSONResponse(["live": true])
    }

    @Sendable func ready(request: Request, context: AppRequestContext) async throws -> JSONResponse<[String: Bool]> {
        if draining.isDraining { throw APIError(.serviceUnavailable, code: "DRAINING", "the service is shutting down") }
        return JSONResponse(["ready": true])
    }

    @Sendable func modelMetadata(request: Request, context: AppRequestContext) async throws
        -> JSONResponse<InferenceModelMetadata>
    {
        let predictor = try await predictor(for: context)
        let summary = try await store.model(named: predictor.metadata.name)
        return JSONResponse(InferenceModelMetadata(predictor, versions: summary?.versions.map { String($0.version) } ?? []))
    }

    @Sendable func modelReady(request: Request, context: AppRequestContext) async throws
        -> JSONResponse<[String: Bool]>
    {
        _ = try await predictor(for: context)
        return JSONResponse(["ready": true])
    }

    @Sendable func infer(request: Request, context: AppRequestContext) async throws -> JSONResponse<InferenceResponse> {
        let predictor = try await predictor(for: context)
        let body = try await APICoding.decode(InferRequest.self, from: request, limit: maxBodyBytes)
        return try answer(body, with: predictor)
    }

    private func predictor(for context: some RequestContext) async throws -> Predictor {
        let name = try ModelsController.name(context)
        let reference = try context.parameters.get("version").map { text -> VersionReference in
            guard ModelName.isValid(text) else {
                throw APIError.badRequest("a version is a number, 'latest' or an alias", code: "INVALID_VERSION")
            }
            return VersionReference(text)
        }
        return try await cache.predictor(name: name, reference: reference ?? .latest)
    }

    private func answer(_ body: InferRequest, with predictor: Predictor) throws -> JSONResponse<InferenceResponse> {
        let rows = try Self.rows(of: body, features: predictor.metadata.featureCount,
                                 maxBatchInstances: predictions.maxBatchInstances)
        let predictions = try predictions.predictions(for: rows, field: { "inputs[0] row \($0)" }, with: predictor)
        let metadata = predictor.metadata
        let labels: [Int64] = predictions.map { prediction in
            if case .integer(let value) = prediction.label { return Int64(value) }
            return Int64(metadata.classes.firstIndex(of: prediction.label) ?? 0)
        }
        var outputs = [
            InferenceResponse.Output(name: "probabilities", shape: [rows.count, metadata.classes.count], datatype: "FP32",
                                 data: .floats(predictions.flatMap(\.probabilities))),
            InferenceResponse.Output(name: "label", shape: [rows.count], datatype: "INT64", data: .integers(labels)),
        ]
        if let requested = body.outputs?.map(\.name), !requested.isEmpty {
            let unknown = requested.filter { $0 != "probabilities" && $0 != "label" }
            if !unknown.isEmpty {
                throw APIError.badRequest("unknown output(s) \(unknown); outputs are 'probabilities' and 'label'", code: "INVALID_OUTPUT")
            }
            outputs = outputs.filter { requested.contains($0.name) }
        }
        return JSONResponse(InferenceResponse(modelName: metadata.name, modelVersion: String(metadata.version), id: body.id,
                                          outputs: outputs))
    }

    /// The rows of the body's one input tensor, checked against the model's feature count and the batch limit.
    static func rows(of body: InferRequest, features: Int, maxBatchInstances: Int) throws -> [[Float]] {
        guard body.inputs.count == 1, let input = body.inputs.first else {
            throw APIError.badRequest("send exactly one input tensor, [N, \(features)]", code: "INVALID_INPUT")
        }
        let datatypes = ["FP32", "FP64", "UINT8", "INT32", "INT64"]
        guard datatypes.contains(input.datatype) else {
            throw APIError.badRequest("datatype \(input.datatype) is not supported; send one of \(datatypes.joined(separator: ", "))",
                                      code: "INVALID_DATATYPE")
        }
        guard input.shape.count == 2, input.shape[1] == features, input.shape[0] >= 1 else {
            throw APIError.badRequest("the input's shape must be [N, \(features)], not \(input.shape)", code: "INVALID_SHAPE")
        }
        // Checked before multiplying, so a huge N cannot overflow.
        guard input.shape[0] <= maxBatchInstances else {
            throw APIError(.contentTooLarge, code: "BATCH_TOO_LARGE",
                           "\(input.shape[0]) rows is more than the limit of \(maxBatchInstances) per request")
        }
        guard input.data.values.count == input.shape[0] * features else {
            throw APIError.badRequest("the shape \(input.shape) needs \(input.shape[0] * features) values, not \(input.data.values.count)",
                                      code: "INVALID_SHAPE")
        }
        return (0..<input.shape[0]).map { Array(input.data.values[$0 * features..<($0 + 1) * features]) }
    }

    struct InferRequest: Decodable {
        struct Input: Decodable {
            var name: String
            var shape: [Int]
            var datatype: String
            var data: FlatNumbers
            var parameters: [String: String]?
        }
        struct RequestedOutput: Decodable { var name: String }
        var id: String?
        var inputs: [Input]
        var outputs: [RequestedOutput]?
        var parameters: [String: String]?
    }
}

/// Reads an `infer` body as the endpoint does, up to the rows it would predict (for the fuzz targets of Fuzz/).
package func inferenceRows(json: Data, featureCount: Int, maxBatchInstances: Int) throws -> [[Float]] {
    let body = try JSONDecoder().decode(InferenceProtocolController.InferRequest.self, from: json)
    return try InferenceProtocolController.rows(of: body, features: featureCount, maxBatchInstances: maxBatchInstances)
}
