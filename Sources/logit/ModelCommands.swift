import ArgumentParser
import Configuration
import Foundation
import LogitONNX
import LogitServer
import LogitPostgres
import LogitStore
import Logging

/// Options every command that opens the database shares.
struct StoreOptions: ParsableArguments {
    @Option(help: "SQLite database file or postgres:// URL (default from configuration: var/logit.sqlite).")
    var database: String?
    @Option(help: "JSON configuration file.") var config = "config/logit.json"

    func settings() async throws -> AppConfiguration {
        var overrides: [String: ConfigValue] = [:]
        if let database { overrides["database"] = ConfigValue(.string(database), isSecret: false) }
        return try await AppConfiguration.load(file: config, overrides: overrides)
    }

    /// Runs `body` with the configured store open. A SQLite file must exist already unless `creating`.
    func withStore<Result: Sendable>(creating: Bool = false,
                                     _ body: @Sendable (any StoreBackend) async throws -> Result) async throws -> Result
    {
        let database = try await settings().database
        if !creating, !PostgresURL.isPostgres(database), !FileManager.default.fileExists(atPath: database) {
            throw RuntimeError("no database at \(database): train a model first, or pass --database")
        }
        return try await LogitServer.withStore(database, logger: Logger(label: "logit"), body)
    }
}

/// A failure that is not the user's syntax (exit code 1).
struct RuntimeError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// NAME or NAME@VERSION, VERSION a number, `latest` or an alias.
struct ModelReferenceArgument: ExpressibleByArgument {
    let name: String
    let reference: VersionReference

    init?(argument: String) {
        let parts = argument.split(separator: "@", maxSplits: 1).map(String.init)
        guard let first = parts.first, !first.isEmpty else { return nil }
        name = first
        reference = parts.count == 2 ? VersionReference(parts[1]) : .latest
    }

    func load(from store: some ModelStore) async throws -> ModelVersion {
        try await store.version(name: name, reference: reference)
    }
}

struct Models: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the stored models and their versions.")
    @OptionGroup var store: StoreOptions

    func run() async throws {
        let models = try await store.withStore { try await $0.models() }
        if models.isEmpty { print("no models yet") }
        for model in models {
            let aliases = model.aliases.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            print("\(model.name)  latest \(model.latestVersion.map(String.init) ?? "-")  \(aliases)")
            for version in model.versions {
                let test = version.metrics.map { String(format: "test accuracy %.4f", $0.accuracy) } ?? "no test metrics"
                print("  v\(version.version)  \(version.kind.rawValue)  \(version.dataset)  \(test)")
            }
        }
    }
}

struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a model version as an HDF5 file (h5py reads it) or an ONNX model (ONNX Runtime serves it).")
    @Argument(help: "NAME[@VERSION]") var model: ModelReferenceArgument
    @Argument(help: "Output file (.h5 or .onnx).") var output: String
    @Option(help: "h5 (the default) or onnx: the model with its preprocessing, taking raw inputs.")
    var format: ExportFormat = .h5
    @Option(help: "With --format onnx: the input's element type, float32 (the default) or uint8.")
    var inputType: ONNXInputType = .float32
    @OptionGroup var store: StoreOptions

    func validate() throws {
        if format == .h5 && inputType != .float32 {
            throw ValidationError("--input-type applies to --format onnx only")
        }
    }

    func run() async throws {
        let version = try await store.withStore { [model] in try await model.load(from: $0) }
        switch format {
        case .h5:
            try ModelFile.write(version, to: output)
        case .onnx:
            try ONNXExporter.data(version, inputType: inputType).write(to: URL(fileURLWithPath: output))
        }
        print("wrote \(version.metadata.name) version \(version.metadata.version) to \(output)")
    }
}

struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Store an HDF5 model file as a new version.")
    @Argument(help: "The .h5 file.") var file: String
    @Option(help: "Model name to store it under.") var name: String
    @OptionGroup var store: StoreOptions

    func run() async throws {
        guard FileManager.default.fileExists(atPath: file) else { throw RuntimeError("no file at \(file)") }
        let version = try ModelFile.read(path: file, name: name)
        let metadata = try await store.withStore(creating: true) { try await $0.insertVersion(version) }
        print("stored \(metadata.name) version \(metadata.version)")
    }
}
