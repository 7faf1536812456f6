import ArgumentParser
import Foundation
import LogitCore
import LogitImaging
import LogitPictures
import LogitStore
import LogitServing

struct Weights: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Draw a model version's weights as a PNG image.")
    @Argument(help: "NAME[@VERSION]") var model: ModelReferenceArgument
    @Argument(help: "Output .png file.") var output: String
    @Option(help: "Pixels per weight (1-32).") var scale = 8
    @Option(help: "diverging (blue-white-red) or gray.") var colormap: Colormap = .diverging
    @Option(name: .customLong("class"), help: "Only this class's tile (an MLP: a hidden unit's index).") var onlyClass: String?
    @OptionGroup var store: StoreOptions

    func validate() throws {
        guard (1...32).contains(scale) else { throw ValidationError("--scale must be between 1 and 32") }
    }

    func run() async throws {
        let version = try await store.withStore { [model] in try await model.load(from: $0) }
        var options = TileGridOptions()
        options.scale = scale
        options.colormap = colormap
        let bytes = try ModelImages.weights(version, options: options, only: onlyClass)
        try Data(bytes).write(to: URL(fileURLWithPath: output))
        print("wrote \(output)")
    }
}

extension Colormap: ExpressibleByArgument {}

struct Predict: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Classify images: PNG files (any size, grey or colour, either polarity) or JSON pixel files.")
    @Option(help: "NAME[@VERSION] (default: the service's default model).") var model: ModelReferenceArgument?
    @Argument(help: "PNG or JSON ({\"pixels\": [...]} or a bare array) files.") var files: [String]
    @OptionGroup var store: StoreOptions

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one PNG or JSON file") }
    }

    func run() async throws {
        let version: ModelVersion = try await store.withStore { [model] database in
            if let model { return try await model.load(from: database) }
            guard let found = try await database.loadDefaultVersion() else {
                throw RuntimeError("no model has been trained yet")
            }
            return found
        }
        let predictor = Predictor(version)
        let metadata = version.metadata
        for file in files {
            let raw = try readInput(file, metadata: metadata)
            let line = try raw.withUnsafeBufferPointer { row in
                try predictor.predictOne(row, field: file) { label, probabilities in
                    "\(file): \(label) (p = \(String(format: "%.4f", probabilities.max()!))), model \(metadata.name)@\(metadata.version))"
                }
            }
            print(line)
        }
    }

    private func readInput(_ file: String, metadata: ModelVersionMetadata) throws -> [Float] {
        guard let data = FileManager.default.contents(atPath: file) else { throw RuntimeError("cannot read \(file)") }
        let values: [Float]
        if data.starts(with: [0x89, 0x50, 0x4E, 0x47]) {
            guard let shape = metadata.imageShape, shape.count == 2, shape[0] == shape[1] else {
                throw RuntimeError("model '\(metadata.name)' does not take square images")
            }
            values = DigitInput.pixels(from: try PNGCodec.decode([UInt8](data)), size: shape[0])
        } else if let body = try? JSONDecoder().decode([String: [Float]].self, from: data), let pixels = body["pixels"] {
            values = pixels
        } else if let array = try? JSONDecoder().decode([Float].self, from: data) {
            values = array
        } else {
            throw RuntimeError("\(file) is neither a PNG nor a JSON pixel file")
        }
        guard values.count == metadata.featureCount, values.allSatisfy(\.isFinite) else {
            throw RuntimeError("\(file) has \(values.count) values; model '\(metadata.name)' takes \(metadata.featureCount) finite numbers")
        }
        return values
    }
}
