import Foundation
import LogitCore

/// A model version as both backends store it: metadata, little-endian Float32 bytes of its weights and biases, and
/// its curves as JSON.
public struct EncodedModelVersion: Sendable {
    public var metadata: ModelVersionMetadata
    /// Outputs of the last layer (1 for binary logistic regression, else the class count).
    public var outputCount: Int
    public var weights: Data
    public var biases: Data
    public var curves: Data

    public init(metadata: ModelVersionMetadata, outputCount: Int, weights: Data, biases: Data, curves: Data) {
        self.metadata = metadata
        self.outputCount = outputCount
        self.weights = weights
        self.biases = biases
        self.curves = curves
    }

    public init(_ version: ModelVersion) throws {
        metadata = version.metadata
        outputCount = version.model.kind == .logistic ? 1 : version.model.classCount
        weights = FloatBlob.encode(version.model.weights)
        biases = FloatBlob.encode(version.model.biases)
        curves = try JSONEncoder().encode(version.curves)
    }

    public func decoded() throws -> ModelVersion {
        let weights = try FloatBlob.decode(self.weights)
        let biases = try FloatBlob.decode(self.biases)
        let model: TrainedModel
        if metadata.kind == .mlp {
            guard let hidden = metadata.hiddenUnits, let activation = metadata.activation,
                  weights.count + biases.count == MLPModel.parameterCount(metadata.featureCount, hidden, outputCount)
            else { throw FloatBlob.MalformedBlob() }
            model = .mlp(MLPModel(featureCount: metadata.featureCount, hiddenCount: hidden, classCount: outputCount,
                                  activation: activation, parameters: weights + biases))
        } else {
            guard weights.count == metadata.featureCount * biases.count else { throw FloatBlob.MalformedBlob() }
            model = .linear(LinearModel(kind: metadata.kind, featureCount: metadata.featureCount, weights: weights,
                                        biases: biases))
        }
        return ModelVersion(metadata: metadata, model: model,
                            curves: try JSONDecoder().decode([CurvePoint].self, from: curves))
    }
}
