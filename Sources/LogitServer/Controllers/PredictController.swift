import Hummingbird
import LogitCore
import LogitJobs
import LogitStore

/// `POST /predict` (the default model, or the one the body names) and `POST /models/{name}/versions/{v}/predict`.
struct PredictController {
    let cache: ModelCache
    let metrics: ServiceMetrics
    let maxBodyBytes: Int
    let maxBatchInstances: Int

    func addRoutes(to router: Router<some RequestContext>) {
        router.post("predict") { request, context in
            let buffer = try await APICoding.jsonBody(of: request, limit: maxBodyBytes)
            if let simple = buffer.withUnsafeReadableBytes(PixelBody.parse) {
                try Self.checkName(simple.model)
                return try predictOne(simple.pixels, with: try await cache.servable(name: simple.model, reference: simple.version))
            }
            let body = try APICoding.decode(PredictRequest.self, from: buffer)
            try Self.checkName(body.model)
            let servable = try await cache.servable(name: body.model, reference: body.version)
            return try predict(body, with: servable).response(from: request, context: context)
        }
        router.post("models/:name/versions/:version/predict") { request, context in
            let (name, reference) = try ModelsController.versionPath(context)
            let buffer = try await APICoding.jsonBody(of: request, limit: maxBodyBytes)
            if let simple = buffer.withUnsafeReadableBytes(PixelBody.parse), simple.model == nil, simple.version == nil {
                return try predictOne(simple.pixels, with: try await cache.servable(name: name, reference: reference))
            }
            let body = try APICoding.decode(PredictRequest.self, from: buffer)
            if body.model != nil || body.version != nil {
                throw APIError.badRequest("the path names the model: leave 'model' and 'version' out of the body",
                                          code: "MODEL_IN_PATH_AND_BODY")
            }
            return try predict(body, with: try await cache.servable(name: name, reference: reference))
                .response(from: request, context: context)
        }
    }

    private static func checkName(_ name: String?) throws {
        if let name, !TrainingPlan.isValidName(name) {
            throw APIError.badRequest("'model' must be 1-64 characters of A-Z a-z 0-9 . _ -", code: "INVALID_NAME")
        }
    }

    /// One image, the common case, without intermediate arrays: the input and the probabilities live on the stack
    /// and the answer is written straight into the response buffer.
    private func predictOne(_ pixels: [Float], with servable: ServableModel) throws -> Response {
        Response(status: .ok, headers: [.contentType: Self.answerContentType],
                 body: .init(byteBuffer: try Self.answerOne(pixels, with: servable, metrics: metrics)))
    }

    static let answerContentType = "application/json; charset=utf-8"

    /// The JSON answer for one image (checked as `check` does), counted in the metrics. Shared with
    /// `PredictChannelHandler`, which answers the same requests on the event loop.
    static func answerOne(_ pixels: [Float], with servable: ServableModel, metrics: ServiceMetrics) throws -> ByteBuffer {
        let metadata = servable.metadata
        try check(pixels, field: "pixels", metadata: metadata)
        let classCount = metadata.classes.count
        let buffer = try withUnsafeTemporaryAllocation(of: Float.self, capacity: metadata.featureCount) { input in
            try withUnsafeTemporaryAllocation(of: Float.self, capacity: classCount) { probabilities in
                pixels.withUnsafeBufferPointer { servable.transform.apply($0, into: input.baseAddress!) }
                servable.model.probabilities(input: input.baseAddress!, into: probabilities.baseAddress!)
                let probabilities = UnsafeBufferPointer(probabilities)
                guard probabilities.allSatisfy(\.isFinite) else { throw Self.cannotScore }
                var best = 0
                for k in 1..<classCount where probabilities[k] > probabilities[best] { best = k }
                return PredictionJSON.single(model: metadata.name, version: metadata.version,
                                             label: metadata.classes[best], probabilities: probabilities)
            }
        }
        metrics.predicted(model: metadata.name, version: metadata.version, count: 1)
        return buffer
    }

    private static let cannotScore = APIError.badRequest(
        "the model cannot score this input: its values are too extreme for it", code: "VALUE_OUT_OF_RANGE")

    /// Exactly `featureCount` finite values, 0...255 for images. `field` names the row in error messages.
    private static func check(_ values: [Float], field: String, metadata: ModelVersionMetadata) throws {
        let isImage = metadata.imageShape != nil
        guard values.count == metadata.featureCount else {
            throw APIError.badRequest(
                "\(field) has \(values.count) values; model '\(metadata.name)' takes exactly \(metadata.featureCount)"
                    + (isImage ? " (28x28 pixels, row-major)" : ""), code: "WRONG_INPUT_SIZE")
        }
        // Tabular values are bounded too: beyond 1e9 the preprocessing and the model overflow Float.
        for value in values where !value.isFinite || (isImage ? !(0...255).contains(value) : abs(value) > 1e9) {
            throw APIError.badRequest(
                "\(field) holds \(value); every value must be a finite number"
                    + (isImage ? " in 0...255" : " within +-1e9"), code: "VALUE_OUT_OF_RANGE")
        }
    }

    /// Checks every row (exactly `featureCount` finite values, 0...255 for images) and classifies it. Shared with the
    /// Open Inference Protocol endpoint. `field` names a row in error messages.
    func predictions(for instances: [[Float]], field: (Int) -> String, with servable: ServableModel) throws -> [Prediction] {
        if instances.count > maxBatchInstances {
            throw APIError(.contentTooLarge, code: "BATCH_TOO_LARGE",
                           "\(instances.count) instances is more than the limit of \(maxBatchInstances) per request")
        }
        let metadata = servable.metadata
        let featureCount = metadata.featureCount
        for (index, values) in instances.enumerated() { try Self.check(values, field: field(index), metadata: metadata) }
        let classCount = metadata.classes.count
        var probabilities = [Float](repeating: 0, count: classCount)
        var input = [Float](repeating: 0, count: featureCount)
        var predictions: [Prediction] = []
        predictions.reserveCapacity(instances.count)
        for values in instances {
            values.withUnsafeBufferPointer { source in
                input.withUnsafeMutableBufferPointer { servable.transform.apply(source, into: $0.baseAddress!) }
            }
            input.withUnsafeBufferPointer { x in
                probabilities.withUnsafeMutableBufferPointer { p in
                    servable.model.probabilities(input: x.baseAddress!, into: p.baseAddress!)
                }
            }
            guard probabilities.allSatisfy(\.isFinite) else { throw Self.cannotScore }
            var best = 0
            for k in 1..<classCount where probabilities[k] > probabilities[best] { best = k }
            predictions.append(Prediction(label: metadata.classes[best], probabilities: probabilities))
        }
        metrics.predicted(model: metadata.name, version: metadata.version, count: predictions.count)
        return predictions
    }

    private func predict(_ body: PredictRequest, with servable: ServableModel) throws -> JSONResponse<PredictionsView> {
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
        let metadata = servable.metadata
        let predictions = try predictions(
            for: instances, field: { body.pixels != nil ? "pixels" : "instances[\($0)]" }, with: servable)
        return JSONResponse(PredictionsView(model: ModelReference(name: metadata.name, version: metadata.version),
                                            predictions: predictions))
    }
}

/// `{"pixels": [784 numbers]}` or `{"instances": [[784 numbers], ...]}`, with optional `model` and `version`.
struct PredictRequest: Decodable {
    var pixels: [Float]?
    var instances: [[Float]]?
    var model: String?
    var version: VersionReference?

    enum CodingKeys: String, CodingKey, CaseIterable { case pixels, instances, model, version }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        pixels = try container.decodeIfPresent([Float].self, forKey: .pixels)
        instances = try container.decodeIfPresent([[Float]].self, forKey: .instances)
        model = try container.decodeIfPresent(String.self, forKey: .model)
        if let number = try? container.decodeIfPresent(Int.self, forKey: .version) {
            version = .number(number)
        } else if let text = try container.decodeIfPresent(String.self, forKey: .version) {
            version = VersionReference(text)
        }
    }
}
