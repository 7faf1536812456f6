import Hummingbird
import LogitAPI
import LogitCore
import LogitJobs
import LogitServing
import LogitStore

/// `POST /predict` (the default model, or the one the body names) and `POST /models/{name}/versions/{v}/predict`.
struct PredictController {
    let cache: ModelCache
    let metrics: ServiceMetrics
    let maxBodyBytes: Int
    let maxBatchInstances: Int

    var endpoints: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .post("predict", use: predict)
            .post("models/:name/versions/:version/predict", use: predictWithVersion)
    }

    /// The default model, or the one the body names.
    @Sendable func predict(request: Request, context: AppRequestContext) async throws -> Response {
        let buffer = try await APICoding.jsonBody(of: request, limit: maxBodyBytes)
        if let simple = buffer.withUnsafeReadableBytes(PixelBody.parse) {
            try Self.checkName(simple.model)
            return try predictOne(simple.pixels, with: try await cache.predictor(name: simple.model, reference: simple.version))
        }
        if let batch = buffer.withUnsafeReadableBytes(InstancesBody.parse) {
            try Self.checkName(batch.model)
            return try predictBatch(batch, with: try await cache.predictor(name: batch.model, reference: batch.version))
        }
        let body = try APICoding.decode(PredictRequest.self, from: buffer)
        try Self.checkName(body.model)
        let predictor = try await cache.predictor(name: body.model, reference: body.version)
        return try answer(body, with: predictor).response(from: request, context: context)
    }

    /// The version the path names; the body must not name one too.
    @Sendable func predictWithVersion(request: Request, context: AppRequestContext) async throws -> Response {
        let (name, reference) = try ModelsController.versionPath(context)
        let buffer = try await APICoding.jsonBody(of: request, limit: maxBodyBytes)
        if let simple = buffer.withUnsafeReadableBytes(PixelBody.parse), simple.model == nil, simple.version == nil {
            return try predictOne(simple.pixels, with: try await cache.predictor(name: name, reference: reference))
        }
        if let batch = buffer.withUnsafeReadableBytes(InstancesBody.parse), batch.model == nil, batch.version == nil {
            return try predictBatch(batch, with: try await cache.predictor(name: name, reference: reference))
        }
        let body = try APICoding.decode(PredictRequest.self, from: buffer)
        if body.model != nil || body.version != nil {
            throw APIError.badRequest("the path names the model: leave 'model' and 'version' out of the body",
                                      code: "MODEL_IN_PATH_AND_BODY")
        }
        return try answer(body, with: try await cache.predictor(name: name, reference: reference))
            .response(from: request, context: context)
    }

    private static func checkName(_ name: String?) throws {
        if let name, !ModelName.isValid(name) {
            throw APIError.badRequest("'model' must be 1-64 characters of A-Z a-z 0-9 . _ -", code: "INVALID_NAME")
        }
    }

    /// One image, the common case, without intermediate arrays: the input and the probabilities live on the stack
    /// and the answer is written straight into the response buffer.
    private func predictOne(_ pixels: [Float], with predictor: Predictor) throws -> Response {
        Response(status: .ok, headers: [.contentType: Self.answerContentType],
                 body: .init(byteBuffer: try Self.answerOne(pixels, with: predictor, metrics: metrics)))
    }

    static let answerContentType = "application/json; charset=utf-8"

    /// The JSON answer for one image, counted in the metrics. Shared with `PredictChannelHandler`, which answers
    /// the same requests on the event loop.
    static func answerOne(_ pixels: [Float], with predictor: Predictor, metrics: ServiceMetrics) throws -> ByteBuffer {
        let metadata = predictor.metadata
        let buffer = try pixels.withUnsafeBufferPointer { row in
            try predictor.predictOne(row, field: "pixels") { label, probabilities in
                PredictionJSON.single(model: metadata.name, version: metadata.version, label: label,
                                      probabilities: probabilities)
            }
        }
        metrics.predicted(model: metadata.name, version: metadata.version, count: 1)
        return buffer
    }

    /// A batch read by `InstancesBody`: the same checks, in the same order, as `answer` makes of a decoded one, and
    /// the same JSON, written without an array per row or JSONEncoder's tree.
    private func predictBatch(_ batch: InstancesBody, with predictor: Predictor) throws -> Response {
        try checkBatchSize(batch.rowCount)
        let metadata = predictor.metadata
        let buffer = try batch.values.withUnsafeBufferPointer { values in
            try predictor.predict(rows: values, rowCount: batch.rowCount, field: { "instances[\($0)]" }) { best, probabilities in
                PredictionJSON.batch(model: metadata.name, version: metadata.version, classes: metadata.classes,
                                     best: best, probabilities: probabilities)
            }
        }
        metrics.predicted(model: metadata.name, version: metadata.version, count: batch.rowCount)
        return Response(status: .ok, headers: [.contentType: Self.answerContentType], body: .init(byteBuffer: buffer))
    }

    private func checkBatchSize(_ count: Int) throws {
        if count > maxBatchInstances {
            throw APIError(.contentTooLarge, code: "BATCH_TOO_LARGE",
                           "\(count) instances is more than the limit of \(maxBatchInstances) per request")
        }
    }

    /// Checks every row and classifies it, within `maxBatchInstances`. Shared with the Open Inference Protocol
    /// endpoint. `field` names a row in error messages.
    func predictions(for instances: [[Float]], field: (Int) -> String, with predictor: Predictor) throws -> [Prediction] {
        try checkBatchSize(instances.count)
        let predictions = try predictor.predict(rows: instances, field: field)
        metrics.predicted(model: predictor.metadata.name, version: predictor.metadata.version, count: predictions.count)
        return predictions
    }

    private func answer(_ body: PredictRequest, with predictor: Predictor) throws -> JSONResponse<PredictionsView> {
        let instances: [[Float]]
        switch (body.pixels, body.instances) {
        case (let pixels?, nil): instances = [pixels]
        case (nil, let batch?): instances = batch
        case (nil, nil):
            throw APIError.badRequest("send one image as 'pixels' or a batch as 'instances'", code: "NO_INPUT")
        case (.some, .some):
            throw APIError.badRequest("send either 'pixels' or 'instances', not both", code: "AMBIGUOUS_INPUT")
        }
        if instances.isEmpty { throw APIError.badRequest("'instances' is empty", code: "EMPTY_BATCH") }
        let metadata = predictor.metadata
        let predictions = try predictions(
            for: instances, field: { body.pixels != nil ? "pixels" : "instances[\($0)]" }, with: predictor)
        return JSONResponse(PredictionsView(model: ModelReference(name: metadata.name, version: metadata.version),
                                            predictions: predictions))
    }
}

