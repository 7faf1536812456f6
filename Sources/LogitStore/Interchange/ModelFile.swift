import Foundation
import LogitCore
import LogitData

/// Model versions as HDF5 files that Python's h5py reads, and back.
///
/// Layout: a binary (logistic) model has `w` (features) and a scalar `b`; softmax, one-vs-rest and ridge models
/// have `W` (classes x features) and `b` (classes); an MLP has `W1` (hidden x features), `b1`, `W2`
/// (classes x hidden) and `b2`. Root attributes: `kind`, `classes` (a JSON array), `name`, `version`, `features`,
/// `image_shape` (a JSON array `[height, width]`, for image models), `preprocessing` (`unit`, `standardize` or
/// `none`) with `scale` (inputs are multiplied by it) for `unit`, or datasets `mean` and `std` for `standardize`
/// (inputs become (x - mean) / std); an MLP adds `activation`. Weights are float32, so an export and re-import is
/// bit-exact.
public enum ModelFile {
    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    public static func write(_ version: ModelVersion, to path: String) throws {
        let metadata = version.metadata
        var datasets: [(name: String, shape: [Int], values: HDF5.Values)] = []
        switch version.model {
        case .linear(let model) where model.kind == .logistic:
            datasets = [("w", [model.featureCount], .floats(model.weights)), ("b", [], .floats(model.biases))]
        case .linear(let model):
            datasets = [("W", [model.outputCount, model.featureCount], .floats(model.weights)),
                        ("b", [model.outputCount], .floats(model.biases))]
        case .mlp(let model):
            let layout = model.layout, h = model.hiddenCount, d = model.featureCount, k = model.classCount
            let p = model.parameters
            datasets = [("W1", [h, d], .floats(Array(p[layout.hiddenWeights]))),
                        ("W2", [k, h], .floats(Array(p[layout.outputWeights]))),
                        ("b1", [h], .floats(Array(p[layout.hiddenBiases]))),
                        ("b2", [k], .floats(Array(p[layout.outputBiases])))]
        }
        let classes = String(decoding: try JSONEncoder().encode(metadata.classes), as: UTF8.self)
        var attributes: [(name: String, value: HDF5.Attribute)] = [
            ("kind", .string(metadata.kind.rawValue)), ("classes", .string(classes)),
            ("name", .string(metadata.name)), ("version", .integer(Int64(metadata.version))),
            ("features", .integer(Int64(metadata.featureCount))),
            ("preprocessing", .string(metadata.preprocessing.name)),
        ]
        if let shape = metadata.imageShape {
            attributes.append(("image_shape", .string("[\(shape.map(String.init).joined(separator: ","))]")))
        }
        switch metadata.preprocessing {
        case .unit(let divisor): attributes.append(("scale", .float(1 / Double(divisor))))
        case .standardize(let mean, let std):
            datasets += [("mean", [mean.count], .floats(mean)), ("std", [std.count], .floats(std))]
        case .none: break
        }
        if case .mlp(let model) = version.model { attributes.append(("activation", .string(model.activation.rawValue))) }
        try HDF5.write(path: path, datasets: datasets, attributes: attributes)
    }

    /// Reads and checks a model file: shapes that fit together, finite values, classes that match the outputs.
    public static func read(path: String, name: String, createdAt: Date = Date()) throws -> ModelVersion {
        guard HDF5.isHDF5(path: path) else { throw Invalid(description: "the file is not HDF5") }
        func floats(_ dataset: String) throws -> HDF5.Array2D<Float>? {
            guard let array = try HDF5.readFloats(path: path, dataset: dataset) else { return nil }
            guard array.values.allSatisfy(\.isFinite) else {
                throw Invalid(description: "dataset '\(dataset)' holds NaN or infinite values")
            }
            return array
        }
        func string(_ attribute: String) throws -> String? {
            switch try HDF5.readAttribute(path: path, name: attribute) {
            case .string(let text)?: return text
            case nil: return nil
            case _?: throw Invalid(description: "attribute '\(attribute)' must be a string")
            }
        }
        func number(_ attribute: String) throws -> Double? {
            switch try HDF5.readAttribute(path: path, name: attribute) {
            case .float(let value)?: return value
            case .integer(let value)?: return Double(value)
            case nil: return nil
            case _?: throw Invalid(description: "attribute '\(attribute)' must be a number")
            }
        }

        let model: TrainedModel
        let declaredKind = try string("kind").map { text -> ModelKind in
            guard let kind = ModelKind(rawValue: text) else { throw Invalid(description: "unknown model kind '\(text)'") }
            return kind
        }
        if let w = try floats("w") {
            guard declaredKind == nil || declaredKind == .logistic else {
                throw Invalid(description: "'w' holds a binary model, but kind says '\(declaredKind!.rawValue)'")
            }
            guard w.shape.count == 1, w.shape[0] > 0 else { throw Invalid(description: "'w' must be a vector of weights") }
            guard let b = try floats("b"), b.values.count == 1, b.shape.count <= 1 else {
                throw Invalid(description: "a binary model needs a scalar 'b'")
            }
            model = .linear(LinearModel(kind: .logistic, featureCount: w.shape[0], weights: w.values, biases: b.values))
        } else if let weights = try floats("W") {
            let kind = declaredKind ?? .softmax
            guard [.softmax, .ovr, .ridge].contains(kind) else {
                throw Invalid(description: "'W' holds a multiclass linear model, but kind says '\(kind.rawValue)'")
            }
            guard weights.shape.count == 2, weights.shape[0] >= 2, weights.shape[1] > 0 else {
                throw Invalid(description: "'W' must be classes x features, with at least 2 classes")
            }
            guard let b = try floats("b"), b.shape == [weights.shape[0]] else {
                throw Invalid(description: "'b' must hold one bias per row of 'W' (\(weights.shape[0]))")
            }
            model = .linear(LinearModel(kind: kind, featureCount: weights.shape[1], weights: weights.values, biases: b.values))
        } else if let w1 = try floats("W1") {
            guard declaredKind == nil || declaredKind == .mlp else { throw Invalid(description: "'W1' holds an MLP") }
            guard w1.shape.count == 2, w1.shape.allSatisfy({ $0 > 0 }),
                  let w2 = try floats("W2"), w2.shape.count == 2, w2.shape[1] == w1.shape[0], w2.shape[0] >= 2,
                  let b1 = try floats("b1"), b1.shape == [w1.shape[0]],
                  let b2 = try floats("b2"), b2.shape == [w2.shape[0]]
            else { throw Invalid(description: "an MLP needs W1 (hidden x features), b1 (hidden), W2 (classes x hidden), b2 (classes)") }
            let activationName = try string("activation") ?? "relu"
            guard let activation = Activation(rawValue: activationName) else {
                throw Invalid(description: "unknown activation '\(activationName)'")
            }
            let layout = MLPLayout(featureCount: w1.shape[1], hiddenCount: w1.shape[0], classCount: w2.shape[0])
            var parameters = [Float](repeating: 0, count: layout.parameterCount)
            for (range, values) in [(layout.hiddenWeights, w1.values), (layout.outputWeights, w2.values),
                                    (layout.hiddenBiases, b1.values), (layout.outputBiases, b2.values)] {
                parameters.replaceSubrange(range, with: values)
            }
            model = .mlp(MLPModel(featureCount: layout.featureCount, hiddenCount: layout.hiddenCount,
                                  classCount: layout.classCount, activation: activation, parameters: parameters))
        } else {
            throw Invalid(description: "no weights found: a model file has 'w' and 'b', 'W' and 'b', or W1, b1, W2, b2")
        }

        let featureCount = model.featureCount
        var classes: [ClassLabel] = (0..<model.classCount).map(ClassLabel.integer)
        if let text = try string("classes") {
            guard let decoded = try? JSONDecoder().decode([ClassLabel].self, from: Data(text.utf8)) else {
                throw Invalid(description: "attribute 'classes' must be a JSON array of class labels")
            }
            classes = decoded
        }
        guard classes.count == model.classCount, Set(classes).count == classes.count else {
            throw Invalid(description: "'classes' lists \(classes.count) distinct labels for a model of \(model.classCount) classes")
        }

        let preprocessing: Preprocessing
        let mean = try floats("mean"), std = try floats("std")
        switch try string("preprocessing") ?? (try number("scale") != nil ? "unit" : (mean != nil ? "standardize" : "none")) {
        case "unit":
            // The kernels multiply by 1 / divisor: both must be finite floats (Preprocessing.swift's FeatureTransform).
            guard let scale = try number("scale"), scale > 0, scale.isFinite, Float(scale).isNormal,
                  Float(1 / scale).isNormal
            else {
                throw Invalid(description: "'unit' preprocessing needs a positive 'scale' attribute within float range")
            }
            preprocessing = .unit(divisor: Float(1 / scale))
        case "standardize":
            // A std of 0 marks a constant feature; any other must have a finite reciprocal, which the kernels
            // multiply by (a subnormal std made every prediction NaN, found by Fuzz/).
            guard let mean, let std, mean.shape == [featureCount], std.shape == [featureCount],
                  std.values.allSatisfy({ $0 == 0 || ($0 > 0 && (1 / $0).isFinite) })
            else {
                throw Invalid(description: "'standardize' needs datasets 'mean' and 'std' of \(featureCount) values "
                    + "(std 0, or above 0 with a finite reciprocal)")
            }
            preprocessing = .standardize(mean: mean.values, std: std.values)
        case "none": preprocessing = .none
        case let other: throw Invalid(description: "unknown preprocessing '\(other)'")
        }
        var imageShape: [Int]? = featureCount == 784 ? [28, 28] : nil
        if let text = try string("image_shape") {
            guard let shape = try? JSONDecoder().decode([Int].self, from: Data(text.utf8)), shape.count == 2,
                  shape[0] * shape[1] == featureCount
            else { throw Invalid(description: "'image_shape' must be [height, width] with height x width = features") }
            imageShape = shape
        }
        let metadata = ModelVersionMetadata(
            name: name, kind: model.kind, classes: classes, preprocessing: preprocessing, featureCount: featureCount,
            imageShape: imageShape, dataset: "imported", hyperparameters: "{}", metrics: nil, trainingSeconds: 0,
            stopReason: "imported", epochsCompleted: 0, jobId: nil, createdAt: createdAt,
            hiddenUnits: { if case .mlp(let m) = model { m.hiddenCount } else { nil } }(),
            activation: { if case .mlp(let m) = model { m.activation } else { nil } }())
        return ModelVersion(metadata: metadata, model: model, curves: [])
    }
}
