import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Minimises the objective's mean loss + penalty(weights) over the training rows.
public final class Trainer<Objective: TrainingObjective> {
    public let train: Objective
    public let validation: Objective?
    public let test: Objective?
    public let options: TrainingOptions

    /// Weights (the first `weightCount`) then biases.
    private var parameters: [Float]
    private let weightCount: Int
    private var curve: [CurvePoint] = []
    private let started = DispatchTime.now()
    private var callbacks = TrainingCallbacks()
    private var running = BatchResult()
    private var earlyStop = EarlyStopState()

    public init(train: Objective, validation: Objective? = nil, test: Objective? = nil,
                options: TrainingOptions, initial: [Float]? = nil) {
        precondition(options.optimizer != .lbfgs || options.penalty.isSmooth, "L-BFGS needs a smooth penalty")
        self.train = train
        self.validation = validation
        self.test = test
        self.options = options
        self.parameters = initial ?? train.initialParameters(seed: options.seed)
        self.weightCount = train.weightCount
        precondition(parameters.count == train.parameterCount, "initial parameters do not fit the objective")
    }

    public func run(callbacks: TrainingCallbacks = TrainingCallbacks()) -> TrainingOutcome<Objective.Model> {
        self.callbacks = callbacks
        let (reason, epochs, steps): (StopReason, Int, Int) = switch options.optimizer {
        case .sgd: runMiniBatches(SGD())
        case .momentum:
            runMiniBatches(Momentum(parameterCount: parameters.count, momentum: Float(options.momentum),
                                    nesterov: options.nesterov))
        case .adam: runMiniBatches(Adam(parameterCount: parameters.count, beta1: Float(options.momentum)))
        case .gd: runFullBatchDescent()
        case .lbfgs: runLBFGS()
        }
        if reason != .cancelled, reason != .diverged, options.earlyStopping?.restoreBest == true,
           let best = earlyStop.bestParameters {
            parameters = best
        }
        return TrainingOutcome(model: train.model(parameters: parameters), stopReason: reason, epochsCompleted: epochs, steps: steps,
                               curve: curve, seconds: elapsed, bestEpoch: earlyStop.bestEpoch)
    }

    // MARK: - Objective pieces

    private var elapsed: Double { Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9 }

    private func penaltyValue() -> Double { options.penalty.value(parameters[..<weightCount]) }

    private var weightNorm: Double { parameters[..<weightCount].euclideanNorm }

    /// Adds the smooth penalty's gradient l2 * W to the weight part of `gradient`.
    private func addSmoothPenaltyGradient(_ gradient: UnsafeMutablePointer<Float>) {
        parameters.withUnsafeBufferPointer { p in
            options.penalty.addSmoothGradient(weights: UnsafeBufferPointer(rebasing: p[..<weightCount]), into: gradient)
        }
    }

    private func evaluate(_ objective: Objective, gradient: UnsafeMutablePointer<Float>? = nil) -> BatchResult {
        objective.evaluate(parameters: parameters, gradient: gradient)
    }

    /// Smooth part of the objective (loss + L2 term) and its gradient over all training rows.
    private func smoothObjective(gradient: UnsafeMutablePointer<Float>) -> (Double, BatchResult) {
        let result = evaluate(train, gradient: gradient)
        addSmoothPenaltyGradient(gradient)
        let l2 = options.penalty.l2Strength
        let squares = l2 > 0 ? parameters[..<weightCount].sumOfSquares : 0
        return (result.meanLoss + l2 / 2 * squares, result)
    }

    /// The proximal step of `threshold * ||W||_1` on the weights.
    private func softThresholdWeights(_ threshold: Float) {
        let count = weightCount
        parameters.withUnsafeMutableBufferPointer { softThreshold(UnsafeMutableBufferPointer(rebasing: $0[..<count]), by: threshold) }
    }

    // MARK: - Curves and early stopping

    private struct EarlyStopState {
        var bestLoss = Double.infinity
        var bestParameters: [Float]?
        var bestEpoch: Double?
        var evaluationsWithoutImprovement = 0
        var shouldStop = false
    }

    private func recordPoint(step: Int, epoch: Double, learningRate: Double) {
        // A diverged run has nothing worth recording; the loops stop on it.
        guard parameters.allSatisfy(\.isFinite) else { return }
        // Full-batch runs report the last full pass; if nothing ran since the last point, measure it.
        let trainResult = running.count > 0 ? running : evaluate(train)
        running = BatchResult()
        let validationResult = validation.map { evaluate($0) }
        let testResult = test.map { evaluate($0) }
        let point = CurvePoint(
            step: step, epoch: epoch, wallSeconds: elapsed, learningRate: learningRate,
            weightNorm: weightNorm, trainLoss: trainResult.meanLoss,
            trainObjective: trainResult.meanLoss + penaltyValue(), trainAccuracy: trainResult.accuracy,
            validationLoss: validationResult?.meanLoss, validationAccuracy: validationResult?.accuracy,
            testLoss: testResult?.meanLoss, testAccuracy: testResult?.accuracy)
        curve.append(point)
        callbacks.onPoint(point)
        if let rule = options.earlyStopping, let loss = validationResult?.meanLoss {
            if loss < earlyStop.bestLoss - rule.minDelta {
                earlyStop.bestLoss = loss
                earlyStop.bestEpoch = epoch
                if rule.restoreBest { earlyStop.bestParameters = parameters }
                earlyStop.evaluationsWithoutImprovement = 0
            } else {
                earlyStop.evaluationsWithoutImprovement += 1
                if earlyStop.evaluationsWithoutImprovement >= rule.patience { earlyStop.shouldStop = true }
            }
        }
    }

    private func converged(previous: Double, current: Double) -> Bool {
        options.tolerance > 0 && abs(previous - current) <= options.tolerance * max(abs(previous), abs(current), 1)
    }

    // MARK: - Mini-batch optimisers

    /// Epochs of mini-batches in a fresh shuffled order, one `optimizer` step per batch.
    private func runMiniBatches<Optimizer: StochasticOptimizer>(_ optimizer: Optimizer) -> (StopReason, Int, Int) {
        var optimizer = optimizer
        let n = train.data.count
        let batchSize = max(1, min(options.batchSize, n))
        let batchesPerEpoch = (n + batchSize - 1) / batchSize
        let evalEvery = options.evalEvery > 0 ? options.evalEvery : max(1, batchesPerEpoch / 4)
        let l1 = L1Shrinkage(strength: Float(options.penalty.l1Strength), weightCount: weightCount)
        var order = train.allPositions
        var generator = SeededGenerator(seed: options.seed)
        let gradient = UnsafeMutablePointer<Float>.allocate(capacity: parameters.count)
        defer { gradient.deallocate() }
        var step = 0
        var previousObjective = Double.infinity
        for epoch in 0..<options.epochs {
            order.shuffle(using: &generator)
            var epochResult = BatchResult()
            var epochPenalty = 0.0
            for batch in 0..<batchesPerEpoch {
                if callbacks.isCancelled() { return (.cancelled, epoch, step) }
                let start = batch * batchSize
                let end = min(start + batchSize, n)
                let result = order.withUnsafeBufferPointer { positions in
                    parameters.withUnsafeBufferPointer {
                        train.evaluate(parameters: $0.baseAddress!,
                                       positions: UnsafeBufferPointer(rebasing: positions[start..<end]), gradient: gradient)
                    }
                }
                if !result.lossSum.isFinite { return (.diverged, epoch, step) }
                running = running + result
                epochResult = epochResult + result
                epochPenalty += penaltyValue() * Double(result.count)
                let epochPosition = Double(epoch) + Double(batch + 1) / Double(batchesPerEpoch)
                let rate = options.schedule.rate(base: options.learningRate, step: step, epoch: Double(epoch))
                addSmoothPenaltyGradient(gradient)
                parameters.withUnsafeMutableBufferPointer {
                    optimizer.step(parameters: $0, gradient: gradient, rate: Float(rate), l1: l1)
                }
                step += 1
                if step % evalEvery == 0 || batch == batchesPerEpoch - 1 {
                    recordPoint(step: step, epoch: epochPosition, learningRate: rate)
                    if earlyStop.shouldStop { return (.earlyStopping, epoch + 1, step) }
                }
                callbacks.onProgress(epochPosition)
            }
            let objective = epochResult.meanLoss + epochPenalty / Double(max(epochResult.count, 1))
            if converged(previous: previousObjective, current: objective) { return (.converged, epoch + 1, step) }
            previousObjective = objective
        }
        return (.maxEpochs, options.epochs, step)
    }

    // MARK: - Full-batch (proximal) gradient descent

    /// Proximal gradient descent: a gradient step on the smooth part, then soft-thresholding for L1. With
    /// `lineSearch`, the step is backtracked until the sufficient-decrease condition of the composite objective
    /// holds, so the objective never increases.
    private func runFullBatchDescent() -> (StopReason, Int, Int) {
        let count = parameters.count
        let gradient = UnsafeMutablePointer<Float>.allocate(capacity: count)
        defer { gradient.deallocate() }
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: count)
        defer { scratch.deallocate() }
        // The point each line search starts from (a buffer of its own: `let start = parameters` would make the
        // first write to `parameters` copy the whole array every iteration).
        let start = UnsafeMutablePointer<Float>.allocate(capacity: count)
        defer { start.deallocate() }
        let evalEvery = options.evalEvery > 0 ? options.evalEvery : 5
        var previousObjective = Double.infinity
        var step = options.learningRate
        let l1 = options.penalty.l1Strength
        for iteration in 0..<options.epochs {
            if callbacks.isCancelled() { return (.cancelled, iteration, iteration) }
            let (smooth, result) = smoothObjective(gradient: gradient)
            let objective = smooth + l1 * parameters[..<weightCount].reduce(0.0) { $0 + abs(Double($1)) }
            if !objective.isFinite { return (.diverged, iteration, iteration) }
            running = result
            parameters.withUnsafeBufferPointer { start.update(from: $0.baseAddress!, count: count) }
            // The search first tries twice the last accepted step, so the step can grow back after a cautious phase.
            var rate = options.lineSearch
                ? 2 * step : options.schedule.rate(base: options.learningRate, step: iteration, epoch: Double(iteration))
            while true {
                parameters.withUnsafeMutableBufferPointer { p in
                    for i in 0..<count { p[i] = start[i] - Float(rate) * gradient[i] }
                }
                softThresholdWeights(Float(rate * l1))
                guard options.lineSearch else { break }
                // Sufficient decrease: f(x+) <= f(x) + g.(x+ - x) + ||x+ - x||^2 / (2 rate)
                let candidateSmooth = smoothObjective(gradient: scratch).0
                var linear = 0.0
                var squared = 0.0
                for index in 0..<count {
                    let difference = Double(parameters[index]) - Double(start[index])
                    linear += Double(gradient[index]) * difference
                    squared += difference * difference
                }
                if candidateSmooth <= smooth + linear + squared / (2 * rate) + 1e-12 * abs(smooth) || rate < 1e-10 { break }
                rate /= 2
            }
            step = rate
            if (iteration + 1) % evalEvery == 0 || iteration == options.epochs - 1 {
                recordPoint(step: iteration + 1, epoch: Double(iteration + 1), learningRate: rate)
                if earlyStop.shouldStop { return (.earlyStopping, iteration + 1, iteration + 1) }
            }
            callbacks.onProgress(Double(iteration + 1))
            if converged(previous: previousObjective, current: objective) {
                recordPoint(step: iteration + 1, epoch: Double(iteration + 1), learningRate: rate)
                return (.converged, iteration + 1, iteration + 1)
            }
            previousObjective = objective
        }
        return (.maxEpochs, options.epochs, options.epochs)
    }

    // MARK: - L-BFGS

    /// L-BFGS with the two-loop recursion and a backtracking (Armijo) line search that tries the full quasi-Newton
    /// step first. One iteration counts as one epoch.
    private func runLBFGS() -> (StopReason, Int, Int) {
        let count = parameters.count
        let evalEvery = options.evalEvery > 0 ? options.evalEvery : 5
        var x = parameters
        var gradient = [Float](repeating: 0, count: count)
        var objective = gradient.withUnsafeMutableBufferPointer { smoothObjective(gradient: $0.baseAddress!).0 }
        var history: [(s: [Float], y: [Float], curvedY: [Float], rho: Double)] = []
        var direction = [Float](repeating: 0, count: count)
        var trialGradient = [Float](repeating: 0, count: count)
        // The newest (s, y) pair is built here, then swapped into the history (whose oldest pair's buffers come
        // back), so an iteration allocates nothing once the history is full.
        var s = [Float](repeating: 0, count: count)
        var y = [Float](repeating: 0, count: count)
        var alpha = [Double](repeating: 0, count: options.memory)
        // The initial inverse Hessian is gamma * M: M the objective's estimate of the inverse Hessian (with the L2
        // term) when it has one, else the identity; gamma fitted to the newest pair, s'y / (y'My). M is applied
        // once per iteration, to the new gradient: M y is the difference of two such products, and M q in the
        // two-loop recursion (q = -g - sum of alpha_i y_i) is the same combination of M g and the pairs' M y_i.
        // Without M (the identity) M g is g and M y is y: nothing more is stored.
        let inverseCurvature = train.inverseCurvature(l2: options.penalty.l2Strength)
        let curvedCount = inverseCurvature == nil ? 0 : count
        /// `destination` = M `source`.
        func applyCurvature(_ source: [Float], into destination: inout [Float]) {
            guard let inverseCurvature else { return }
            source.withUnsafeBufferPointer { v in
                destination.withUnsafeMutableBufferPointer { inverseCurvature.apply(v.baseAddress!, into: $0.baseAddress!) }
            }
        }
        var curvedGradient = [Float](repeating: 0, count: curvedCount)
        var trialCurvedGradient = [Float](repeating: 0, count: curvedCount)
        applyCurvature(gradient, into: &curvedGradient)
        /// y'My of the newest pair, computed when the pair is stored.
        var newestYMY = 0.0

        for iteration in 0..<options.epochs {
            if callbacks.isCancelled() { return (.cancelled, iteration, iteration) }
            // direction = -H * gradient (two-loop recursion)
            for i in 0..<count { direction[i] = -gradient[i] }
            for index in history.indices.reversed() {
                let a = history[index].rho * dot(history[index].s, direction)
                alpha[index] = a
                axpy(Float(-a), history[index].y, &direction)
            }
            if inverseCurvature != nil {
                // M q = -M g - sum of alpha_i M y_i (without M, q is the direction as it stands).
                for i in 0..<count { direction[i] = -curvedGradient[i] }
                for index in history.indices { axpy(Float(-alpha[index]), history[index].curvedY, &direction) }
            } else if history.isEmpty {
                // First step without a curvature estimate: steepest descent scaled to unit length.
                let norm = Float(dot(gradient, gradient).squareRoot())
                if norm > 0 { for i in 0..<count { direction[i] /= norm } }
            }
            if let last = history.last {
                let gamma = Float(dot(last.s, last.y) / newestYMY)
                for i in 0..<count { direction[i] *= gamma }
            }
            for index in history.indices {
                let b = history[index].rho * dot(history[index].y, direction)
                axpy(Float(alpha[index] - b), history[index].s, &direction)
            }
            var slope = dot(gradient, direction)
            if slope >= 0 {
                // Not a descent direction (numerical trouble): restart from steepest descent.
                history.removeAll()
                for i in 0..<count { direction[i] = -gradient[i] }
                slope = dot(gradient, direction)
            }
            // Backtracking line search (Armijo).
            var step: Float = 1
            var trialObjective = Double.infinity
            var trialResult = BatchResult()
            for _ in 0..<30 {
                parameters.withUnsafeMutableBufferPointer { p in
                    for i in 0..<count { p[i] = x[i] + step * direction[i] }
                }
                (trialObjective, trialResult) = trialGradient.withUnsafeMutableBufferPointer {
                    smoothObjective(gradient: $0.baseAddress!)
                }
                if trialObjective <= objective + 1e-4 * Double(step) * slope { break }
                step *= 0.5
            }
            if !(trialObjective < objective) {
                // No decrease possible at float precision: we are at the optimum.
                parameters = x
                recordPoint(step: iteration, epoch: Double(iteration), learningRate: 0)
                return (.converged, iteration, iteration)
            }
            parameters.withUnsafeBufferPointer { p in
                for i in 0..<count {
                    s[i] = p[i] - x[i]
                    y[i] = trialGradient[i] - gradient[i]
                    x[i] = p[i]
                }
            }
            applyCurvature(trialGradient, into: &trialCurvedGradient)
            let sy = dot(y, s)
            if sy > 1e-10 {
                var pair = history.count == options.memory
                    ? history.removeFirst()
                    : (s: [Float](repeating: 0, count: count), y: [Float](repeating: 0, count: count),
                       curvedY: [Float](repeating: 0, count: curvedCount), rho: 0)
                swap(&pair.s, &s)
                swap(&pair.y, &y)
                for i in 0..<curvedCount { pair.curvedY[i] = trialCurvedGradient[i] - curvedGradient[i] }
                pair.rho = 1 / sy
                newestYMY = dot(pair.y, inverseCurvature == nil ? pair.y : pair.curvedY)
                history.append(pair)
            }
            swap(&gradient, &trialGradient)
            swap(&curvedGradient, &trialCurvedGradient)
            let previousObjective = objective
            objective = trialObjective
            running = trialResult
            if (iteration + 1) % evalEvery == 0 || iteration == options.epochs - 1 {
                recordPoint(step: iteration + 1, epoch: Double(iteration + 1), learningRate: Double(step))
                if earlyStop.shouldStop { return (.earlyStopping, iteration + 1, iteration + 1) }
            }
            callbacks.onProgress(Double(iteration + 1))
            if converged(previous: previousObjective, current: objective) {
                recordPoint(step: iteration + 1, epoch: Double(iteration + 1), learningRate: Double(step))
                return (.converged, iteration + 1, iteration + 1)
            }
        }
        return (.maxEpochs, options.epochs, options.epochs)
    }

    private func dot(_ a: [Float], _ b: [Float]) -> Double {
        var sum = 0.0
        for i in 0..<a.count { sum += Double(a[i]) * Double(b[i]) }
        return sum
    }

    private func axpy(_ alpha: Float, _ x: [Float], _ y: inout [Float]) {
        for i in 0..<x.count { y[i] += alpha * x[i] }
    }
}
