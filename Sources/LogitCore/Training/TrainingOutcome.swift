/// What a training run produced: the model, why and when it stopped, and its learning curves.
public struct TrainingOutcome<Model: Sendable>: Sendable {
    public var model: Model
    public var stopReason: StopReason
    public var epochsCompleted: Int
    public var steps: Int
    public var curve: [CurvePoint]
    public var seconds: Double
    /// With early stopping: the epoch of the best validation loss, whose weights the model holds if restored.
    public var bestEpoch: Double?

    public init(model: Model, stopReason: StopReason, epochsCompleted: Int, steps: Int, curve: [CurvePoint],
                seconds: Double, bestEpoch: Double?) {
        self.model = model
        self.stopReason = stopReason
        self.epochsCompleted = epochsCompleted
        self.steps = steps
        self.curve = curve
        self.seconds = seconds
        self.bestEpoch = bestEpoch
    }
}

extension TrainingOutcome {
    /// The same outcome with its model wrapped or converted.
    public func mapModel<Other: Sendable>(_ transform: (Model) -> Other) -> TrainingOutcome<Other> {
        TrainingOutcome<Other>(model: transform(model), stopReason: stopReason, epochsCompleted: epochsCompleted,
                               steps: steps, curve: curve, seconds: seconds, bestEpoch: bestEpoch)
    }
}
