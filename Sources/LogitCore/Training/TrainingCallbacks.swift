/// Hooks the training loop calls on its own thread. `isCancelled` is polled before every step, so a
/// cancellation takes effect within one batch.
public struct TrainingCallbacks {
    public var isCancelled: () -> Bool
    /// Epochs completed so far, fractional within an epoch.
    public var onProgress: (Double) -> Void
    public var onPoint: (CurvePoint) -> Void

    public init(isCancelled: @escaping () -> Bool = { false }, onProgress: @escaping (Double) -> Void = { _ in },
                onPoint: @escaping (CurvePoint) -> Void = { _ in }) {
        self.isCancelled = isCancelled
        self.onProgress = onProgress
        self.onPoint = onPoint
    }
}
