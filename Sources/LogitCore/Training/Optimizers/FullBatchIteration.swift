/// What one iteration of a `FullBatchOptimizer` did.
enum FullBatchIteration {
    /// The parameters moved. The trainer's convergence tests compare `previousObjective` with `objective` and
    /// `largestGradient` (the largest absolute component of the smooth objective's gradient at the new parameters;
    /// nil when the optimiser has none) with the gradient tolerance; `result` is the pass over the training rows the
    /// curve reports, and `learningRate` the step taken.
    case moved(previousObjective: Double, objective: Double, learningRate: Double, result: BatchResult,
               largestGradient: Double?)
    /// No step decreases the objective at float precision: the parameters, left as they were, are the optimum.
    case stalled
    /// The objective stopped being a finite number; the parameters are as they were.
    case diverged
}
