/// Why training stopped.
public enum StopReason: String, Codable, Sendable {
    case maxEpochs = "max_epochs"
    case converged
    case earlyStopping = "early_stopping"
    case cancelled
    /// The loss or the weights stopped being finite numbers (a learning rate far too large, typically).
    case diverged
}
