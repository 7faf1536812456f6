import Dispatch

/// Why training stopped.
public enum StopReason: String, Codable, Sendable {
    case maxEpochs = "max_epochs"
    case converged
    case cancelled
}

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

public struct TrainingOutcome: Sendable {
    public var model: LinearModel
    public var stopReason: StopReason
    public var epochsCompleted: Int
    public var steps: Int
    public var curve: [CurvePoint]
    public var seconds: Double
}

/// Minimises mean cross-entropy + lambda/2 * ||W||^2 over the training rows.
public final class Trainer {
    public let train: LinearObjective
    public let validation: LinearObjective?
    public let test: LinearObjective?
    public let options: TrainingOptions

    private var model: LinearModel
    private var curve: [CurvePoint] = []
    private let started = DispatchTime.now()
    private var callbacks = TrainingCallbacks()
    private var running = BatchResult()

    public init(train: LinearObjective, validation: LinearObjective? = nil, test: LinearObjective? = nil,
                options: TrainingOptions, initial: LinearModel? = nil) {
        self.train = train
        self.validation = validation
        self.test = test
        self.options = options
        self.model = initial ?? .zeros(kind: train.kind, featureCount: train.featureCount,
                                       classCount: train.kind == .logistic ? 2 : train.outputCount)
    }

    public func run(callbacks: TrainingCallbacks = TrainingCallbacks()) -> TrainingOutcome {
        self.callbacks = callbacks
        let (reason, epochs, steps): (StopReason, Int, Int) = switch options.optimizer {
        case .sgd: runStochastic()
        case .gd: runFullBatchDescent()
        case .lbfgs: runLBFGS()
        }
        return TrainingOutcome(model: model, stopReason: reason, epochsCompleted: epochs, steps: steps,
                               curve: curve, seconds: elapsed)
    }

    // MARK: - Objective pieces

    private var elapsed: Double { Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9 }

    private func penalty(_ model: LinearModel) -> Double {
        guard options.l2 > 0 else { return 0 }
        return options.l2 / 2 * model.weights.reduce(0.0) { $0 + Double($1) * Double($1) }
    }

    /// Adds the penalty's gradient lambda * W to `gradient` (weights only).
    private func addPenaltyGradient(_ model: LinearModel, _ gradient: UnsafeMutablePointer<Float>) {
        guard options.l2 > 0 else { return }
        let lambda = Float(options.l2)
        model.weights.withUnsafeBufferPointer { w in
            for i in 0..<w.count { gradient[i] += lambda * w[i] }
        }
    }

    /// Objective and its gradient over all training rows.
    private func fullObjective(_ model: LinearModel, gradient: UnsafeMutablePointer<Float>) -> (Double, BatchResult) {
        let result = train.evaluate(model: model, gradient: gradient)
        addPenaltyGradient(model, gradient)
        return (result.meanLoss + penalty(model), result)
    }

    // MARK: - Curves

    private func recordPoint(step: Int, epoch: Double, learningRate: Double) {
        // Full-batch runs report the last full pass; if nothing ran since the last point, measure it.
        let trainResult = running.count > 0 ? running : train.evaluate(model: model)
        running = BatchResult()
        let validationResult = validation.map { $0.evaluate(model: model) }
        let testResult = test.map { $0.evaluate(model: model) }
        let point = CurvePoint(
            step: step, epoch: epoch, wallSeconds: elapsed, learningRate: learningRate,
            weightNorm: model.weightNorm, trainLoss: trainResult.meanLoss,
            trainObjective: trainResult.meanLoss + penalty(model), trainAccuracy: trainResult.accuracy,
            validationLoss: validationResult?.meanLoss, validationAccuracy: validationResult?.accuracy,
            testLoss: testResult?.meanLoss, testAccuracy: testResult?.accuracy)
        curve.append(point)
        callbacks.onPoint(point)
    }

    private func converged(previous: Double, current: Double) -> Bool {
        options.tolerance > 0 && abs(previous - current) <= options.tolerance * max(abs(previous), abs(current), 1)
    }

    // MARK: - Mini-batch SGD

    private func runStochastic() -> (StopReason, Int, Int) {
        let n = train.data.count
        let batchSize = max(1, min(options.batchSize, n))
        let batchesPerEpoch = (n + batchSize - 1) / batchSize
        let evalEvery = options.evalEvery > 0 ? options.evalEvery : max(1, batchesPerEpoch / 4)
        var order = train.allPositions
        var generator = SeededGenerator(seed: options.seed)
        let gradient = UnsafeMutablePointer<Float>.allocate(capacity: model.parameterCount)
        defer { gradient.deallocate() }
        let weightCount = model.weights.count
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
                let result = order.withUnsafeBufferPointer {
                    train.evaluate(model: model, positions: UnsafeBufferPointer(rebasing: $0[start..<end]),
                                   gradient: gradient)
                }
                running = running + result
                epochResult = epochResult + result
                epochPenalty += penalty(model) * Double(result.count)
                let epochPosition = Double(epoch) + Double(batch + 1) / Double(batchesPerEpoch)
                let rate = options.schedule.rate(base: options.learningRate, step: step, epoch: Double(epoch))
                applyStep(gradient: gradient, weightCount: weightCount, rate: Float(rate))
                step += 1
                if step % evalEvery == 0 || batch == batchesPerEpoch - 1 {
                    recordPoint(step: step, epoch: epochPosition, learningRate: rate)
                }
                callbacks.onProgress(epochPosition)
            }
            let objective = epochResult.meanLoss + epochPenalty / Double(max(epochResult.count, 1))
            if converged(previous: previousObjective, current: objective) { return (.converged, epoch + 1, step) }
            previousObjective = objective
        }
        return (.maxEpochs, options.epochs, step)
    }

    /// W -= rate * (gradW + lambda W);  b -= rate * gradb
    private func applyStep(gradient: UnsafeMutablePointer<Float>, weightCount: Int, rate: Float) {
        let decay = 1 - rate * Float(options.l2)
        model.weights.withUnsafeMutableBufferPointer { w in
            for i in 0..<weightCount { w[i] = decay * w[i] - rate * gradient[i] }
        }
        model.biases.withUnsafeMutableBufferPointer { b in
            for c in 0..<b.count { b[c] -= rate * gradient[weightCount + c] }
        }
    }

    // MARK: - Full-batch gradient descent

    private func runFullBatchDescent() -> (StopReason, Int, Int) {
        let gradient = UnsafeMutablePointer<Float>.allocate(capacity: model.parameterCount)
        defer { gradient.deallocate() }
        let evalEvery = options.evalEvery > 0 ? options.evalEvery : 5
        var previousObjective = Double.infinity
        for iteration in 0..<options.epochs {
            if callbacks.isCancelled() { return (.cancelled, iteration, iteration) }
            let result = train.evaluate(model: model, gradient: gradient)
            let objective = result.meanLoss + penalty(model)
            running = running + result
            let rate = options.schedule.rate(base: options.learningRate, step: iteration, epoch: Double(iteration))
            applyStep(gradient: gradient, weightCount: model.weights.count, rate: Float(rate))
            if (iteration + 1) % evalEvery == 0 || iteration == options.epochs - 1 {
                recordPoint(step: iteration + 1, epoch: Double(iteration + 1), learningRate: rate)
            }
            callbacks.onProgress(Double(iteration + 1))
            if converged(previous: previousObjective, current: objective) {
                if running.count > 0 { recordPoint(step: iteration + 1, epoch: Double(iteration + 1), learningRate: rate) }
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
        let count = model.parameterCount
        let evalEvery = options.evalEvery > 0 ? options.evalEvery : 5
        var x = model.parameters
        var gradient = [Float](repeating: 0, count: count)
        var objective = gradient.withUnsafeMutableBufferPointer { fullObjective(model, gradient: $0.baseAddress!).0 }
        var history: [(s: [Float], y: [Float], rho: Double)] = []
        var direction = [Float](repeating: 0, count: count)
        var trial = [Float](repeating: 0, count: count)
        var trialGradient = [Float](repeating: 0, count: count)
        var alpha = [Double](repeating: 0, count: options.memory)

        for iteration in 0..<options.epochs {
            if callbacks.isCancelled() { return (.cancelled, iteration, iteration) }
            // direction = -H * gradient (two-loop recursion)
            for i in 0..<count { direction[i] = -gradient[i] }
            for (index, pair) in history.enumerated().reversed() {
                let a = pair.rho * dot(pair.s, direction)
                alpha[index] = a
                axpy(Float(-a), pair.y, &direction)
            }
            if let last = history.last {
                let gamma = Float(dot(last.s, last.y) / dot(last.y, last.y))
                for i in 0..<count { direction[i] *= gamma }
            } else {
                // First step: steepest descent scaled to unit length, as the curvature is unknown.
                let norm = Float(dot(gradient, gradient).squareRoot())
                if norm > 0 { for i in 0..<count { direction[i] /= norm } }
            }
            for (index, pair) in history.enumerated() {
                let b = pair.rho * dot(pair.y, direction)
                axpy(Float(alpha[index] - b), pair.s, &direction)
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
                for i in 0..<count { trial[i] = x[i] + step * direction[i] }
                trial.withUnsafeBufferPointer { model.setParameters($0) }
                (trialObjective, trialResult) = trialGradient.withUnsafeMutableBufferPointer {
                    fullObjective(model, gradient: $0.baseAddress!)
                }
                if trialObjective <= objective + 1e-4 * Double(step) * slope { break }
                step *= 0.5
            }
            if !(trialObjective < objective) {
                // No decrease possible at float precision: we are at the optimum.
                x.withUnsafeBufferPointer { model.setParameters($0) }
                recordPoint(step: iteration, epoch: Double(iteration), learningRate: 0)
                return (.converged, iteration, iteration)
            }
            var s = [Float](repeating: 0, count: count)
            var y = [Float](repeating: 0, count: count)
            for i in 0..<count {
                s[i] = trial[i] - x[i]
                y[i] = trialGradient[i] - gradient[i]
            }
            let curvature = dot(y, s)
            if curvature > 1e-10 {
                if history.count == options.memory { history.removeFirst() }
                history.append((s, y, 1 / curvature))
            }
            swap(&x, &trial)
            swap(&gradient, &trialGradient)
            let previousObjective = objective
            objective = trialObjective
            running = trialResult
            if (iteration + 1) % evalEvery == 0 || iteration == options.epochs - 1 {
                recordPoint(step: iteration + 1, epoch: Double(iteration + 1), learningRate: Double(step))
            }
            callbacks.onProgress(Double(iteration + 1))
            if converged(previous: previousObjective, current: objective) {
                if running.count > 0 { recordPoint(step: iteration + 1, epoch: Double(iteration + 1), learningRate: Double(step)) }
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
