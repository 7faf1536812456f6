import LogitCore

/// A stored model version: metadata, parameters and learning curves.
public struct ModelVersion: Sendable, Equatable {
    public var metadata: ModelVersionMetadata
    public var model: TrainedModel
    public var curves: [CurvePoint]

    public init(metadata: ModelVersionMetadata, model: TrainedModel, curves: [CurvePoint]) {
        self.metadata = metadata
        self.model = model
        self.curves = curves
    }
}
