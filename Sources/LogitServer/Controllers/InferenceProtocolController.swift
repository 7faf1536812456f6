import Foundation
import LogitAPI
import Hummingbird
import LogitCore
import LogitJobs
import LogitServing
import LogitStore

/// The KServe V2 / Open Inference Protocol REST endpoints: server and model metadata, health, and `infer` with one
/// numeric (`TensorDatatype`) `[N, features]` input, as JSON or binary tensor data, answered with FP32 probabilities
/// and INT64 labels, each as JSON or binary as the request asks.
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

    @Sendable func infer(request: Request, context: AppRequestContext) async throws -> InferenceAnswer {
        let predictor = try await predictor(for: context)
        return try answer(try await InferenceBody.read(request, limit: maxBodyBytes), with: predictor)
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

    /// Checks the one input and predicts it in one call of the predictor's batch path: binary UINT8 as it is, any
    /// other datatype (binary or JSON) as one Float buffer. Then writes each output as JSON or binary, as asked.
    private func answer(_ body: InferenceBody, with predictor: Predictor) throws -> InferenceAnswer {
        let request = body.request
        let metadata = predictor.metadata
        let features = metadata.featureCount
        let binaryInputs = try body.binaryInputs()
        guard request.inputs.count == 1, let input = request.inputs.first, let bytes = binaryInputs.first else {
            throw APIError.badRequest("send exactly one input tensor, [N, \(features)]", code: "INVALID_INPUT")
        }
        guard let datatype = TensorDatatype(rawValue: input.datatype) else {
            throw APIError.badRequest("datatype \(input.datatype) is not supported; send one of \(TensorDatatype.names)",
                                      code: "INVALID_DATATYPE")
        }
        if input.parameters?["shared_memory_region"] != nil {
            throw APIError.badRequest("shared memory is not supported; send the tensor as JSON or binary data",
                                      code: "INVALID_INPUT")
        }
        guard input.shape.count == 2, input.shape[1] == features, input.shape[0] >= 1 else {
            throw APIError.badRequest("the input's shape must be [N, \(features)], not \(input.shape)", code: "INVALID_SHAPE")
        }
        // Checked before multiplying, so a huge N cannot overflow.
        let rowCount = input.shape[0]
        guard rowCount <= predictions.maxBatchInstances else {
            throw APIError(.contentTooLarge, code: "BATCH_TOO_LARGE",
                           "\(rowCount) rows is more than the limit of \(predictions.maxBatchInstances) per request")
        }
        let count = rowCount * features
        let outputs = try requestedOutputs(request)
        let classCount = metadata.classes.count
        // A class that is not an integer is answered as its index in `classes`.
        let labelOfClass: [Int64] = metadata.classes.enumerated().map { index, label in
            if case .integer(let value) = label { return Int64(value) }
            return Int64(index)
        }
        func respond(_ best: UnsafeBufferPointer<Int>, _ probabilities: UnsafeBufferPointer<Float>)
            -> (InferenceResponse, ByteBuffer)
        {
            var binary = ByteBuffer()
            var answers: [InferenceResponse.Output] = []
            for output in outputs {
                let isLabel = output.name == "label"
                let shape = isLabel ? [rowCount] : [rowCount, classCount]
                let datatype = isLabel ? "INT64" : "FP32"
                guard output.binary else {
                    let data: InferenceResponse.Output.Data = isLabel
                        ? .integers(best.map { labelOfClass[$0] }) : .floats(Array(probabilities))
                    answers.append(InferenceResponse.Output(name: output.name, shape: shape, datatype: datatype, data: data))
                    continue
                }
                let start = binary.writerIndex
                if isLabel {
                    binary.reserveCapacity(minimumWritableBytes: rowCount * 8)
                    for index in best { binary.writeInteger(labelOfClass[index], endianness: .little) }
                } else {
                    #if _endian(little)
                    binary.writeBytes(UnsafeRawBufferPointer(probabilities))  // already the wire's byte order
                    #else
                    for value in probabilities { binary.writeInteger(value.bitPattern, endianness: .little) }
                    #endif
                }
                answers.append(InferenceResponse.Output(
                    name: output.name, shape: shape, datatype: datatype, data: nil,
                    parameters: ["binary_data_size": .integer(Int64(binary.writerIndex - start))]))
            }
            return (InferenceResponse(modelName: metadata.name, modelVersion: String(metadata.version), id: request.id,
                                      outputs: answers), binary)
        }
        let response: (InferenceResponse, ByteBuffer)
        if let bytes {
            guard bytes.readableBytes == count * datatype.byteSize else {
                throw APIError.badRequest(
                    "inputs[0] is \(bytes.readableBytes) bytes of binary data, but \(input.shape) \(datatype.rawValue) is \(count * datatype.byteSize) (\(datatype.byteSize) per value)",
                    code: "INVALID_BINARY_FRAMING")
            }
            if datatype == .uint8 {
                // Bytes need no check and no Float copy: the predictor reads them directly.
                response = try bytes.withUnsafeReadableBytes { raw in
                    try predictor.predict(bytes: raw.assumingMemoryBound(to: UInt8.self), rowCount: rowCount, respond)
                }
            } else {
                let values = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
                defer { values.deallocate() }
                bytes.withUnsafeReadableBytes { datatype.convert($0, into: values) }
                response = try predictor.predict(rows: UnsafeBufferPointer(values), rowCount: rowCount,
                                                 field: { "inputs[0] row \($0)" }, respond)
            }
        } else {
            let data = input.data?.values ?? []
            guard data.count == count else {
                throw APIError.badRequest("the shape \(input.shape) needs \(count) values, not \(data.count)", code: "INVALID_SHAPE")
            }
            response = try data.withUnsafeBufferPointer { values in
                try predictor.predict(rows: values, rowCount: rowCount, field: { "inputs[0] row \($0)" }, respond)
            }
        }
        predictions.metrics.predicted(model: metadata.name, version: metadata.version, count: rowCount)
        return InferenceAnswer(header: response.0, binary: response.1)
    }

    /// The outputs to answer, in order, and whether each is binary: an output's own `binary_data` parameter, else the
    /// request's `binary_data_output` (tritonclient sets it when it asks for no output by name), else JSON.
    private func requestedOutputs(_ request: InferRequest) throws -> [(name: String, binary: Bool)] {
        let names = ["probabilities", "label"]
        func flag(_ parameters: [String: InferenceParameter]?, _ key: String, _ field: String) throws -> Bool? {
            guard let parameter = parameters?[key] else { return nil }
            guard let value = parameter.boolValue else {
                throw APIError.badRequest("\(field)parameters.\(key) must be true or false", code: "INVALID_PARAMETER")
            }
            return value
        }
        let binaryByDefault = try flag(request.parameters, "binary_data_output", "") ?? false
        guard let requested = request.outputs, !requested.isEmpty else {
            return names.map { ($0, binaryByDefault) }
        }
        let unknown = requested.map(\.name).filter { !names.contains($0) }
        if !unknown.isEmpty {
            throw APIError.badRequest("unknown output(s) \(unknown); outputs are 'probabilities' and 'label'", code: "INVALID_OUTPUT")
        }
        if Set(requested.map(\.name)).count != requested.count {
            throw APIError.badRequest("an output is asked for more than once", code: "INVALID_OUTPUT")
        }
        return try requested.enumerated().map { index, output in
            for unsupported in ["classification", "shared_memory_region"] where output.parameters?[unsupported] != nil {
                throw APIError.badRequest("outputs[\(index)].parameters.\(unsupported) is not supported", code: "INVALID_OUTPUT")
            }
            return (output.name, try flag(output.parameters, "binary_data", "outputs[\(index)].") ?? binaryByDefault)
        }
    }
}
