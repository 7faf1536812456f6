/// Follows the validation loss from curve point to curve point for an `EarlyStopping` rule: the best loss so far, the
/// epoch it was measured at and, with `restoreBest`, the parameters it was measured with; and whether the rule's
/// patience has run out.
struct EarlyStoppingTracker {
    let rule: EarlyStopping
    private(set) var bestLoss = Double.infinity
    private(set) var bestEpoch: Double?
    private(set) var bestParameters: [Float]?
    private(set) var shouldStop = false
    private var evaluationsWithoutImprovement = 0

    init(rule: EarlyStopping) {
        self.rule = rule
    }

    mutating func observe(validationLoss loss: Double, epoch: Double, parameters: [Float]) {
        if loss < bestLoss - rule.minDelta {
            bestLoss = loss
            bestEpoch = epoch
            if rule.restoreBest { keep(parameters) }
            evaluationsWithoutImprovement = 0
        } else {
            evaluationsWithoutImprovement += 1
            if evaluationsWithoutImprovement >= rule.patience { shouldStop = true }
        }
    }

    /// Copies `parameters` into a buffer of its own, allocated at the first improvement and reused after: sharing the
    /// trainer's array would make the trainer's next step copy it.
    private mutating func keep(_ parameters: [Float]) {
        if bestParameters == nil { bestParameters = [Float](repeating: 0, count: parameters.count) }
        _ = bestParameters!.withUnsafeMutableBufferPointer { $0.update(fromContentsOf: parameters) }
    }
}
