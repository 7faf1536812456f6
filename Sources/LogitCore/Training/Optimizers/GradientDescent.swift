/// Proximal gradient descent on the full batch: a gradient step on the smooth part of the objective, then the L1
/// soft-threshold of the weights. With `lineSearch` the step is backtracked until the sufficient-decrease condition of
/// the composite objective holds, so the objective never increases; each search first tries twice the last accepted
/// step, so the step can grow back after a cautious phase.
struct GradientDescent<Objective: TrainingObjective>: FullBatchOptimizer {
    let objective: PenalizedObjective<Objective>
    let learningRate: Double
    let schedule: LearningRateSchedule
    let lineSearch: Bool
    private var gradient: [Float]
    /// The gradient at a line search's candidate point (only the candidate's value is used).
    private var candidateGradient: [Float]
    /// The point the step starts from.
    private var start: [Float]
    private var acceptedRate: Double
    private var previousObjective = Double.infinity

    init(objective: PenalizedObjective<Objective>, options: TrainingOptions) {
        self.objective = objective
        learningRate = options.learningRate
        schedule = options.schedule
        lineSearch = options.lineSearch
        let count = objective.data.parameterCount
        gradient = [Float](repeating: 0, count: count)
        candidateGradient = [Float](repeating: 0, count: count)
        start = [Float](repeating: 0, count: count)
        acceptedRate = options.learningRate
    }

    mutating func iterate(_ iteration: Int, parameters: UnsafeMutableBufferPointer<Float>) -> FullBatchIteration {
        let objective = self.objective
        let count = parameters.count
        let weightCount = objective.weightCount
        let l1 = objective.penalty.l1Strength
        let (smooth, result) = gradient.withUnsafeMutableBufferPointer {
            objective.smoothValue(at: UnsafeBufferPointer(parameters), gradient: $0.baseAddress!)
        }
        let value = smooth + l1 * parameters[..<weightCount].reduce(0.0) { $0 + abs(Double($1)) }
        if !value.isFinite { return .diverged }
        _ = start.withUnsafeMutableBufferPointer { $0.update(fromContentsOf: parameters) }
        var rate = lineSearch
            ? 2 * acceptedRate : schedule.rate(base: learningRate, step: iteration, epoch: Double(iteration))
        let lineSearch = self.lineSearch
        gradient.withUnsafeBufferPointer { gradient in
            start.withUnsafeBufferPointer { start in
                candidateGradient.withUnsafeMutableBufferPointer { candidateGradient in
                    while true {
                        for i in 0..<count { parameters[i] = start[i] - Float(rate) * gradient[i] }
                        softThreshold(UnsafeMutableBufferPointer(rebasing: parameters[..<weightCount]), by: Float(rate * l1))
                        guard lineSearch else { break }
                        // Sufficient decrease: f(x+) <= f(x) + g.(x+ - x) + ||x+ - x||^2 / (2 rate)
                        let candidateSmooth = objective.smoothValue(
                            at: UnsafeBufferPointer(parameters), gradient: candidateGradient.baseAddress!).value
                        var linear = 0.0
                        var squared = 0.0
                        for index in 0..<count {
                            let difference = Double(parameters[index]) - Double(start[index])
                            linear += Double(gradient[index]) * difference
                            squared += difference * difference
                        }
                        if candidateSmooth <= smooth + linear + squared / (2 * rate) + 1e-12 * abs(smooth) || rate < 1e-10 {
                            break
                        }
                        rate /= 2
                    }
                }
            }
        }
        acceptedRate = rate
        defer { previousObjective = value }
        // The gradient is the one at the start of this step; with L1 it is not the objective's (that one needs a
        // subgradient), so the gradient test is left to L-BFGS and smooth runs.
        let largest = l1 > 0 ? nil : Double(gradient.reduce(Float(0)) { max($0, abs($1)) })
        return .moved(previousObjective: previousObjective, objective: value, learningRate: rate, result: result,
                      largestGradient: largest)
    }
}
