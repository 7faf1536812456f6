import Foundation
import LogitAPI
import Hummingbird
import NIOCore
import LogitCore
import LogitJobs
import LogitONNX
import LogitStore

/// `/models`: listing, versions with their metadata, metrics and curves, aliases, deletion, HDF5 export
/// (`model.h5`) and import, and ONNX export (`model.onnx`).
struct ModelsController {
    let store: any ModelStore
    let cache: ModelCache
    let maxBodyBytes: Int
    let maxUploadBytes: Int

    var endpoints: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .get(":name/versions/:version/model.h5", use: export)
            .get(":name/versions/:version/model.onnx", use: exportONNX)
            .post("import", use: `import`)
            .get(use: list)
            .get(":name", use: show)
            .get(":name/versions/:version", use: showVersion)
            .get(":name/versions/:version/metrics", use: metrics)
            .get(":name/versions/:version/curves", use: curves)
            .delete(":name/versions/:version", use: deleteVersion)
            .put(":name/aliases/:alias", use: setAlias)
            .delete(":name/aliases/:alias", use: deleteAlias)
    }

    /// The version as an HDF5 model file (see ModelFile), offered as a download.
    @Sendable func export(request: Request, context: AppRequestContext) async throws -> Response {
        let version = try await load(context)
        let bytes = try await offload {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("logit-export-\(UUID().uuidString).h5").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            try ModelFile.write(version, to: path)
            return try Data(contentsOf: URL(fileURLWithPath: path))
        }
        let fileName = "\(version.metadata.name)-v\(version.metadata.version).h5"
        return Response(
            status: .ok,
            headers: [.contentType: "application/x-hdf5", .contentDisposition: "attachment; filename=\"\(fileName)\""],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// The version as an ONNX model with its preprocessing inside (see ONNXExporter), offered as a download.
    /// `input=uint8` makes its input UINT8 (pixels as bytes) instead of FLOAT.
    @Sendable func exportONNX(request: Request, context: AppRequestContext) async throws -> Response {
        let inputType = try Self.onnxInputType(request.uri.queryParameters.get("input"))
        let version = try await load(context)
        let bytes = try await offload { try ONNXExporter.data(version, inputType: inputType) }
        let fileName = "\(version.metadata.name)-v\(version.metadata.version).onnx"
        return Response(
            status: .ok,
            headers: [.contentType: "application/octet-stream",
                      .contentDisposition: "attachment; filename=\"\(fileName)\""],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func onnxInputType(_ text: String?) throws -> ONNXInputType {
        guard let text else { return .float32 }
        guard let type = ONNXInputType(rawValue: text) else {
            throw APIError.badRequest("'input' is float32 (the default) or uint8, not '\(text)'", code: "INVALID_INPUT_TYPE")
        }
        return type
    }

    /// The body is an HDF5 model file (see ModelFile); it becomes the next version of `name`.
    @Sendable func `import`(request: Request, context: AppRequestContext) async throws -> JSONResponse<VersionView> {
        guard let name = request.uri.queryParameters.get("name"), ModelName.isValid(name) else {
            throw APIError.badRequest("give the model a 'name' of 1-64 characters of A-Z a-z 0-9 . _ -", code: "INVALID_NAME")
        }
        let body = try await APICoding.body(of: request, limit: maxUploadBytes, expecting: "the .h5 file")
        let bytes = Data(body.readableBytesView)
        let version = try await offload {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("logit-import-\(UUID().uuidString).h5").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            try bytes.write(to: URL(fileURLWithPath: path))
            return try ModelFile.read(path: path, name: name)
        }
        let metadata = try await store.insertVersion(version)
        cache.invalidate()
        return JSONResponse(VersionView(metadata, aliases: []), status: .created,
                            headers: [.location: "/models/\(metadata.name)/versions/\(metadata.version)"])
    }

    @Sendable func list(request: Request, context: AppRequestContext) async throws
        -> JSONResponse<ModelListView>
    {
        let models = try await store.models()
        return JSONResponse(ModelListView(models: models.map { ModelView($0, includeVersions: false) }))
    }

    @Sendable func show(request: Request, context: AppRequestContext) async throws -> JSONResponse<ModelView> {
        let name = try Self.name(context)
        guard let model = try await store.model(named: name) else { throw StoreError.unknownModel(name) }
        return JSONResponse(ModelView(model, includeVersions: true))
    }

    @Sendable func showVersion(request: Request, context: AppRequestContext) async throws -> JSONResponse<VersionView> {
        let metadata = try await resolve(context)
        let aliases = try await store.model(named: metadata.name)?.aliases ?? [:]
        return JSONResponse(VersionView(metadata, aliases: aliases.filter { $0.value == metadata.version }.map(\.key)))
    }

    @Sendable func metrics(request: Request, context: AppRequestContext) async throws -> JSONResponse<MetricsView> {
        let version = try await load(context)
        let weights = version.model.weights
        let zeros = weights.reduce(0) { $0 + ($1 == 0 ? 1 : 0) }
        return JSONResponse(MetricsView(
            model: ModelReference(name: version.metadata.name, version: version.metadata.version),
            metrics: version.metadata.metrics, classes: version.metadata.classes,
            sparsity: weights.isEmpty ? 0 : Double(zeros) / Double(weights.count),
            constantFeatureShare: version.metadata.constantFeatureShare, weightNorm: version.model.weightNorm,
            threshold: version.metadata.kind == .logistic ? 0.5 : nil))
    }

    @Sendable func curves(request: Request, context: AppRequestContext) async throws -> JSONResponse<CurvesView> {
        let version = try await load(context)
        return JSONResponse(CurvesView(
            model: ModelReference(name: version.metadata.name, version: version.metadata.version),
            points: version.curves))
    }

    @Sendable func deleteVersion(request: Request, context: AppRequestContext) async throws -> Response {
        let metadata = try await resolve(context)
        try await store.deleteVersion(name: metadata.name, number: metadata.version)
        cache.invalidate()
        return Response(status: .noContent)
    }

    @Sendable func setAlias(request: Request, context: AppRequestContext) async throws -> JSONResponse<AliasesView> {
        let name = try Self.name(context)
        let alias = try Self.alias(context)
        let body = try await APICoding.decode(AliasRequest.self, from: request, limit: maxBodyBytes)
        try await store.setAlias(name: name, alias: alias, version: body.version)
        cache.invalidate()
        let aliases = try await store.model(named: name)?.aliases ?? [:]
        return JSONResponse(AliasesView(name: name, aliases: aliases))
    }

    @Sendable func deleteAlias(request: Request, context: AppRequestContext) async throws -> Response {
        try await store.deleteAlias(name: try Self.name(context), alias: try Self.alias(context))
        cache.invalidate()
        return Response(status: .noContent)
    }

    private func resolve(_ context: some RequestContext) async throws -> ModelVersionMetadata {
        let (name, reference) = try Self.versionPath(context)
        return try await store.resolve(name: name, reference: reference)
    }

    private func load(_ context: some RequestContext) async throws -> ModelVersion {
        let (name, reference) = try Self.versionPath(context)
        return try await store.version(name: name, reference: reference)
    }

    static func name(_ context: some RequestContext) throws -> String {
        let name = try context.parameters.require("name")
        guard ModelName.isValid(name) else {
            throw APIError.badRequest("model names are 1-64 characters of A-Z a-z 0-9 . _ -", code: "INVALID_NAME")
        }
        return name
    }

    static func alias(_ context: some RequestContext) throws -> String {
        let alias = try context.parameters.require("alias")
        guard ModelName.isValidAlias(alias) else {
            throw APIError.badRequest(
                "aliases are 1-64 characters of A-Z a-z 0-9 . _ -, and neither a number nor 'latest'",
                code: "INVALID_ALIAS")
        }
        return alias
    }

    /// The `{name}` and `{v}` of a version path; `{v}` is a number, `latest` or an alias.
    static func versionPath(_ context: some RequestContext) throws -> (String, VersionReference) {
        let name = try name(context)
        let text = try context.parameters.require("version")
        guard ModelName.isValid(text) else {
            throw APIError.badRequest("a version is a number, 'latest' or an alias", code: "INVALID_VERSION")
        }
        return (name, VersionReference(text))
    }
}

