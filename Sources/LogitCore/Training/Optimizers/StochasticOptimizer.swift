/// A mini-batch update rule. The trainer builds one when a run starts and calls `step` once per batch; the loop over
/// the parameters is the rule's own, so it is compiled for that rule alone.
protocol StochasticOptimizer {
    /// Moves `parameters` (weights, then biases) against `gradient`, the gradient of the batch's mean loss plus the
    /// penalty's smooth part, at learning rate `rate`, taking `l1`'s proximal step on the weights as part of the move.
    mutating func step(parameters: UnsafeMutableBufferPointer<Float>, gradient: UnsafePointer<Float>, rate: Float,
                       l1: L1Shrinkage)
}
