/// How parameters are updated.
public enum OptimizerKind: String, Codable, Sendable, CaseIterable {
    /// Full-batch gradient descent (proximal for L1), optionally with an Armijo line search.
    case gd
    /// Mini-batch stochastic gradient descent, reshuffled every epoch.
    case sgd
    /// Mini-batch SGD with (optionally Nesterov) momentum.
    case momentum
    /// Mini-batch Adam (Kingma and Ba, 2015).
    case adam
    /// Limited-memory BFGS on the full batch (scikit-learn's default solver); smooth objectives only.
    case lbfgs

    /// Optimisers that take mini-batches.
    public var isStochastic: Bool { self == .sgd || self == .momentum || self == .adam }
}
