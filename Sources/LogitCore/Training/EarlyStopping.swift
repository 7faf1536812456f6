/// Stop when the validation loss has not improved for `patience` evaluations; optionally go back to the best weights.
public struct EarlyStopping: Sendable, Equatable {
    public var patience: Int
    public var restoreBest: Bool
    /// Smallest decrease that counts as an improvement.
    public var minDelta: Double

    public init(patience: Int = 3, restoreBest: Bool = true, minDelta: Double = 0) {
        self.patience = patience
        self.restoreBest = restoreBest
        self.minDelta = minDelta
    }
}
