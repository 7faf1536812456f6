/// What the optimisers minimise: a training objective's mean loss over its rows plus the penalty on the weights (the
/// first `weightCount` parameters). The smooth part, loss plus L2 term, is what they differentiate; the L1 term they
/// apply as a proximal step of their own.
struct PenalizedObjective<Objective: TrainingObjective> {
    let data: Objective
    let penalty: Penalty

    var weightCount: Int { data.weightCount }

    /// Adds the smooth penalty's gradient, `l2 * W`, to the weight part of `gradient`.
    func addSmoothGradient(at parameters: UnsafeBufferPointer<Float>, to gradient: UnsafeMutablePointer<Float>) {
        penalty.addSmoothGradient(weights: UnsafeBufferPointer(rebasing: parameters[..<weightCount]), into: gradient)
    }

    /// The smooth part over every row at `parameters`, its gradient (written to `gradient`), and the loss's sums.
    func smoothValue(at parameters: UnsafeBufferPointer<Float>, gradient: UnsafeMutablePointer<Float>)
        -> (value: Double, result: BatchResult)
    {
        let result = data.allPositions.withUnsafeBufferPointer {
            data.evaluate(parameters: parameters.baseAddress!, positions: $0, gradient: gradient)
        }
        addSmoothGradient(at: parameters, to: gradient)
        let l2 = penalty.l2Strength
        let squares = l2 > 0 ? parameters[..<weightCount].sumOfSquares : 0
        return (result.meanLoss + l2 / 2 * squares, result)
    }
}
