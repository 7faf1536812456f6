/// The family of a classifier.
public enum ModelKind: String, Codable, Sendable, CaseIterable {
    /// Binary logistic regression: one output, sigmoid, cross-entropy.
    case logistic
    /// Softmax (multinomial logistic) regression: one output per class, multinomial cross-entropy.
    case softmax
    /// One-vs-rest: one logistic model per class, trained together (their losses are independent); the class
    /// probabilities are the sigmoids normalised to sum to 1.
    case ovr
    /// Regularised least squares on one-hot targets, solved in closed form; its "probabilities" are the scores
    /// clipped to [0, 1] and normalised, not calibrated probabilities.
    case ridge
    /// A one-hidden-layer perceptron with a softmax output (see `MLPModel`).
    case mlp

    public var isLinear: Bool { self != .mlp }
}

/// Weights and biases of a linear classifier. `weights` is `outputCount x featureCount`, row-major;
/// a logistic model has one output whose probability is that of the positive class.
public struct LinearModel: Sendable, Equatable {
    public let kind: ModelKind
    public let featureCount: Int
    public var weights: [Float]
    public var biases: [Float]

    public var outputCount: Int { biases.count }
    /// Classes the model tells apart: 2 for a logistic model.
    public var classCount: Int { kind == .logistic ? 2 : outputCount }

    public init(kind: ModelKind, featureCount: Int, weights: [Float], biases: [Float]) {
        precondition(weights.count == featureCount * biases.count, "weights do not match outputs x features")
        precondition(kind != .logistic || biases.count == 1, "a logistic model has one output")
        precondition(kind.isLinear, "an MLP is not a linear model")
        self.kind = kind
        self.featureCount = featureCount
        self.weights = weights
        self.biases = biases
    }

    /// A zero-initialised model (the objective is convex, so zero is as good a start as any).
    public static func zeros(kind: ModelKind, featureCount: Int, classCount: Int) -> LinearModel {
        let outputs = kind == .logistic ? 1 : classCount
        return LinearModel(
            kind: kind, featureCount: featureCount,
            weights: [Float](repeating: 0, count: outputs * featureCount),
            biases: [Float](repeating: 0, count: outputs))
    }

    public var weightNorm: Double { weights.euclideanNorm }
}
