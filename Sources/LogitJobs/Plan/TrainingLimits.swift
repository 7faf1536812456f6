/// Limits on what one training request may ask for.
public struct TrainingLimits: Sendable {
    public var maxEpochs: Int
    /// Largest epochs x training rows.
    public var maxWork: Int

    public init(maxEpochs: Int = 1000, maxWork: Int = 100_000_000) {
        self.maxEpochs = maxEpochs
        self.maxWork = maxWork
    }
}
