import Dispatch

/// Minimises the objective's mean loss + penalty(weights) over the training rows. The trainer is the loop around an
/// optimiser's steps (Sources/LogitCore/Training/Optimizers): it records the curve points, stops early, on
/// convergence, on cancellation or on divergence, and reports progress.
public final class Trainer<Objective: TrainingObjective> {
    public let train: Objective
    public let validation: Objective?
    public let test: Objective?
    public let options: TrainingOptions

    /// Weights (the first `weightCount`) then biases.
    private var parameters: [Float]
    private let weightCount: Int
    private let objective: PenalizedObjective<Objective>
    private var curve: [CurvePoint] = []
    private let started = DispatchTime.now()
    private var callbacks = TrainingCallbacks()
    /// The training rows' figures for the next curve point: the batches since the last point, or the last full pass.
    private var running = BatchResult()
    private var earlyStopping: EarlyStoppingTracker?

    public init(train: Objective, validation: Objective? = nil, test: Objective? = nil,
                options: TrainingOptions, initial: [Float]? = nil) {
        precondition(options.optimizer != .lbfgs || options.penalty.isSmooth, "L-BFGS needs a smooth penalty")
        self.train = train
        self.validation = validation
        self.test = test
        self.options = options
        self.parameters = initial ?? train.initialParameters(seed: options.seed)
        self.weightCount = train.weightCount
        self.objective = PenalizedObjective(data: train, penalty: options.penalty)
        self.earlyStopping = options.earlyStopping.map(EarlyStoppingTracker.init)
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
        case .gd: runFullBatch(GradientDescent(objective: objective, options: options))
        case .lbfgs: runFullBatch(LBFGS(objective: objective, memory: options.memory, start: parameters))
        }
        if reason != .cancelled, reason != .diverged, options.earlyStopping?.restoreBest == true,
           let best = earlyStopping?.bestParameters {
            parameters = best
        }
        return TrainingOutcome(model: train.model(parameters: parameters), stopReason: reason, epochsCompleted: epochs,
                               steps: steps, curve: curve, seconds: elapsed, bestEpoch: earlyStopping?.bestEpoch)
    }

    // MARK: - The loops

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
                // The epoch's objective only serves the convergence test: without one, skip a pass over the weights.
                if options.tolerance > 0 { epochPenalty += penaltyValue * Double(result.count) }
                let epochPosition = Double(epoch) + Double(batch + 1) / Double(batchesPerEpoch)
                let rate = options.schedule.rate(base: options.learningRate, step: step, epoch: Double(epoch))
                parameters.withUnsafeMutableBufferPointer {
                    objective.addSmoothGradient(at: UnsafeBufferPointer($0), to: gradient)
                    optimizer.step(parameters: $0, gradient: gradient, rate: Float(rate), l1: l1)
                }
                step += 1
                if step % evalEvery == 0 || batch == batchesPerEpoch - 1 {
                    recordPoint(step: step, epoch: epochPosition, learningRate: rate)
                    if shouldStopEarly { return (.earlyStopping, epoch + 1, step) }
                }
                callbacks.onProgress(epochPosition)
            }
            let epochObjective = epochResult.meanLoss + epochPenalty / Double(max(epochResult.count, 1))
            if converged(previous: previousObjective, current: epochObjective) { return (.converged, epoch + 1, step) }
            previousObjective = epochObjective
        }
        return (.maxEpochs, options.epochs, step)
    }

    /// Iterations of `optimizer` over the whole training set, each counted as an epoch.
    private func runFullBatch<Optimizer: FullBatchOptimizer>(_ optimizer: Optimizer) -> (StopReason, Int, Int) {
        var optimizer = optimizer
        let evalEvery = options.evalEvery > 0 ? options.evalEvery : 5
        for iteration in 0..<options.epochs {
            if callbacks.isCancelled() { return (.cancelled, iteration, iteration) }
            let outcome = parameters.withUnsafeMutableBufferPointer { optimizer.iterate(iteration, parameters: $0) }
            switch outcome {
            case .diverged:
                return (.diverged, iteration, iteration)
            case .stalled:
                recordPoint(step: iteration, epoch: Double(iteration), learningRate: 0)
                return (.converged, iteration, iteration)
            case .moved(let previousObjective, let objective, let rate, let result, let largestGradient):
                running = result
                let done = iteration + 1
                if done % evalEvery == 0 || iteration == options.epochs - 1 {
                    recordPoint(step: done, epoch: Double(done), learningRate: rate)
                    if shouldStopEarly { return (.earlyStopping, done, done) }
                }
                callbacks.onProgress(Double(done))
                if converged(previous: previousObjective, current: objective)
                    || gradientIsSmall(largestGradient) {
                    recordPoint(step: done, epoch: Double(done), learningRate: rate)
                    return (.converged, done, done)
                }
            }
        }
        return (.maxEpochs, options.epochs, options.epochs)
    }

    private func converged(previous: Double, current: Double) -> Bool {
        options.tolerance > 0 && abs(previous - current) <= options.tolerance * max(abs(previous), abs(current), 1)
    }

    private func gradientIsSmall(_ largest: Double?) -> Bool {
        guard options.gradientTolerance > 0, let largest else { return false }
        return largest <= options.gradientTolerance
    }

    private var shouldStopEarly: Bool { earlyStopping?.shouldStop == true }

    // MARK: - Curve points

    private var elapsed: Double { Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9 }

    private var penaltyValue: Double { options.penalty.value(parameters[..<weightCount]) }

    private func recordPoint(step: Int, epoch: Double, learningRate: Double) {
        // A diverged run has nothing worth recording; the loops stop on it.
        guard parameters.allSatisfy(\.isFinite) else { return }
        // Full-batch runs report the last full pass; if nothing ran since the last point, measure it.
        let trainResult = running.count > 0 ? running : train.evaluate(parameters: parameters)
        running = BatchResult()
        let validationResult = validation.map { $0.evaluate(parameters: parameters) }
        let testResult = test.map { $0.evaluate(parameters: parameters) }
        let point = CurvePoint(
            step: step, epoch: epoch, wallSeconds: elapsed, learningRate: learningRate,
            weightNorm: parameters[..<weightCount].euclideanNorm, trainLoss: trainResult.meanLoss,
            trainObjective: trainResult.meanLoss + penaltyValue, trainAccuracy: trainResult.accuracy,
            validationLoss: validationResult?.meanLoss, validationAccuracy: validationResult?.accuracy,
            testLoss: testResult?.meanLoss, testAccuracy: testResult?.accuracy)
        curve.append(point)
        callbacks.onPoint(point)
        if let loss = validationResult?.meanLoss {
            earlyStopping?.observe(validationLoss: loss, epoch: epoch, parameters: parameters)
        }
    }
}
