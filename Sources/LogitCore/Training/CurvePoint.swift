/// One point of the learning curves: where training is, and how the model does on each split.
/// Train figures for mini-batch runs are the running mean over the batches since the previous point.
public struct CurvePoint: Codable, Sendable, Equatable {
    public var step: Int
    public var epoch: Double
    public var wallSeconds: Double
    public var learningRate: Double
    public var weightNorm: Double
    /// Mean cross-entropy (without the penalty).
    public var trainLoss: Double
    /// Mean cross-entropy plus the penalty: what the optimiser minimises.
    public var trainObjective: Double
    public var trainAccuracy: Double
    public var validationLoss: Double?
    public var validationAccuracy: Double?
    public var testLoss: Double?
    public var testAccuracy: Double?

    public init(step: Int, epoch: Double, wallSeconds: Double, learningRate: Double, weightNorm: Double,
                trainLoss: Double, trainObjective: Double, trainAccuracy: Double,
                validationLoss: Double? = nil, validationAccuracy: Double? = nil,
                testLoss: Double? = nil, testAccuracy: Double? = nil) {
        self.step = step
        self.epoch = epoch
        self.wallSeconds = wallSeconds
        self.learningRate = learningRate
        self.weightNorm = weightNorm
        self.trainLoss = trainLoss
        self.trainObjective = trainObjective
        self.trainAccuracy = trainAccuracy
        self.validationLoss = validationLoss
        self.validationAccuracy = validationAccuracy
        self.testLoss = testLoss
        self.testAccuracy = testAccuracy
    }

    enum CodingKeys: String, CodingKey {
        case step, epoch
        case wallSeconds = "wall_seconds"
        case learningRate = "learning_rate"
        case weightNorm = "weight_norm"
        case trainLoss = "train_loss"
        case trainObjective = "train_objective"
        case trainAccuracy = "train_accuracy"
        case validationLoss = "validation_loss"
        case validationAccuracy = "validation_accuracy"
        case testLoss = "test_loss"
        case testAccuracy = "test_accuracy"
    }
}
