/// A method that evaluates the objective over every training row for each of its iterations. The trainer counts an
/// iteration as an epoch and does the rest: curve points, early stopping, convergence, cancellation.
protocol FullBatchOptimizer {
    /// Iteration `iteration` (0-based) from `parameters`, which it updates in place.
    mutating func iterate(_ iteration: Int, parameters: UnsafeMutableBufferPointer<Float>) -> FullBatchIteration
}
