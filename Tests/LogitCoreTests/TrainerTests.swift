import Foundation
import Testing
@testable import LogitCore

/// Two Gaussian blobs per class: a small problem whose optimum every optimiser should find.
func blobs(rows: Int, classes: Int, features: Int = 4, seed: UInt64) -> LabeledRows {
    var generator = SeededGenerator(seed: seed)
    var x: [Float] = []
    var targets: [Int32] = []
    for i in 0..<rows {
        let label = i % classes
        for j in 0..<features {
            let centre: Float = j == label % features ? 2 : 0
            x.append(centre + Float.random(in: -1.5...1.5, using: &generator))
        }
        targets.append(Int32(label))
    }
    return LabeledRows(matrix: FeatureMatrix(floats: x, rowCount: rows, columnCount: features),
                       rows: Array(0..<Int32(rows)), targets: targets)
}

/// Mostly-zero byte images: column j is non-zero in about one row in (j + 2), the label nudging its value.
func sparseImages(rows: Int, features: Int, classes: Int, seed: UInt64) -> LabeledRows {
    var generator = SeededGenerator(seed: seed)
    var bytes: [UInt8] = []
    var targets: [Int32] = []
    for i in 0..<rows {
        let label = i % classes
        for j in 0..<features {
            let on = Int.random(in: 0..<(j + 2), using: &generator) == 0
            bytes.append(on ? UInt8(clamping: Int.random(in: 20...200, using: &generator) + (j % classes == label ? 55 : 0)) : 0)
        }
        targets.append(Int32(label))
    }
    return LabeledRows(matrix: FeatureMatrix(bytes: bytes, rowCount: rows, columnCount: features),
                       rows: Array(0..<Int32(rows)), targets: targets)
}

/// An objective with no curvature estimate, passing everything else to the one it wraps.
final class WithoutCurvature<Wrapped: TrainingObjective>: TrainingObjective {
    let wrapped: Wrapped
    init(_ wrapped: Wrapped) { self.wrapped = wrapped }
    var data: LabeledRows { wrapped.data }
    var parameterCount: Int { wrapped.parameterCount }
    var weightCount: Int { wrapped.weightCount }
    var allPositions: [Int32] { wrapped.allPositions }
    func initialParameters(seed: UInt64) -> [Float] { wrapped.initialParameters(seed: seed) }
    func model(parameters: [Float]) -> Wrapped.Model { wrapped.model(parameters: parameters) }
    func evaluate(parameters: UnsafePointer<Float>, positions: UnsafeBufferPointer<Int32>,
                  gradient: UnsafeMutablePointer<Float>?) -> BatchResult {
        wrapped.evaluate(parameters: parameters, positions: positions, gradient: gradient)
    }
}

@Suite struct TrainerTests {
    func objective(_ data: LabeledRows, kind: ModelKind = .softmax, classes: Int = 3) -> LinearObjective {
        LinearObjective(data: data, transform: FeatureTransform(.none, featureCount: data.matrix.columnCount),
                        kind: kind, classCount: classes)
    }

    /// Objective value and gradient norm (with the L2 term) at a model.
    func optimality(_ objective: LinearObjective, _ model: LinearModel, l2: Double) -> (Double, Double) {
        var gradient = [Float](repeating: 0, count: model.parameterCount)
        let result = gradient.withUnsafeMutableBufferPointer { objective.evaluate(model: model, gradient: $0.baseAddress!) }
        var norm = 0.0
        for (index, g) in gradient.enumerated() {
            let penalty = index < model.weights.count ? l2 * Double(model.weights[index]) : 0
            norm += pow(Double(g) + penalty, 2)
        }
        let penalty = l2 / 2 * model.weights.reduce(0.0) { $0 + Double($1 * $1) }
        return (result.meanLoss + penalty, norm.squareRoot())
    }

    /// L-BFGS run to a tight tolerance and plain gradient descent, both with L2 `l2`, end at the same optimum: a
    /// vanishing gradient, the same objective value, the same weights.
    func expectLBFGSMatchesGradientDescent(_ train: LinearObjective, l2: Double, lbfgsEpochs: Int, gdEpochs: Int,
                                           gdRate: Double, weightTolerance: Float) {
        let lbfgs = Trainer(train: train, options: TrainingOptions(optimizer: .lbfgs, epochs: lbfgsEpochs, penalty: .l2(lambda: l2), tolerance: 1e-12)).run()
        let gd = Trainer(train: train, options: TrainingOptions(optimizer: .gd, epochs: gdEpochs, learningRate: gdRate, penalty: .l2(lambda: l2))).run()
        let (lbfgsValue, lbfgsGradient) = optimality(train, lbfgs.model, l2: l2)
        let (gdValue, _) = optimality(train, gd.model, l2: l2)
        #expect(lbfgsGradient < 1e-3)
        #expect(abs(lbfgsValue - gdValue) < 1e-4)
        for (a, b) in zip(lbfgs.model.weights, gd.model.weights) { #expect(abs(a - b) < weightTolerance) }
    }

    @Test func lbfgsAndGradientDescentReachTheSameOptimum() {
        expectLBFGSMatchesGradientDescent(objective(blobs(rows: 300, classes: 3, seed: 1)), l2: 0.01,
                                          lbfgsEpochs: 200, gdEpochs: 3000, gdRate: 0.5, weightTolerance: 5e-3)
    }

    /// Sparse byte images with pixels of very different scales: L-BFGS started from the curvature estimate finds
    /// the same optimum as plain gradient descent (the estimate changes the path, never the answer), in fewer
    /// iterations than L-BFGS without it.
    @Test(arguments: [ModelKind.softmax, .logistic])
    func preconditionedLBFGSReachesTheSameOptimumSooner(kind: ModelKind) throws {
        let classes = kind == .logistic ? 2 : 3
        let data = sparseImages(rows: 400, features: 12, classes: classes, seed: 9)
        let train = LinearObjective(data: data, transform: FeatureTransform(.unit(divisor: 255), featureCount: 12),
                                    kind: kind, classCount: classes)
        #expect(train.usesSparseKernel)
        #expect(train.inverseCurvature(l2: 0.01) is FeatureCovarianceCurvature)
        expectLBFGSMatchesGradientDescent(train, l2: 0.01, lbfgsEpochs: 300, gdEpochs: 20000, gdRate: 4,
                                          weightTolerance: 2e-2)

        func iterations(_ objective: some TrainingObjective) -> Int {
            Trainer(train: objective, options: TrainingOptions(optimizer: .lbfgs, epochs: 300, penalty: .l2(lambda: 0.01),
                                                               tolerance: 1e-7)).run().epochsCompleted
        }
        let preconditioned = iterations(train)
        let plain = iterations(WithoutCurvature(train))
        #expect(preconditioned * 2 <= plain, "\(preconditioned) iterations with the estimate, \(plain) without")
    }

    @Test func stochasticTrainingIsReproducibleForASeed() {
        let data = blobs(rows: 500, classes: 3, seed: 2)
        func train(seed: UInt64) -> LinearModel {
            Trainer(train: objective(data),
                    options: TrainingOptions(optimizer: .sgd, epochs: 3, batchSize: 32, learningRate: 0.1, seed: seed))
                .run().model
        }
        #expect(train(seed: 9) == train(seed: 9))
        #expect(train(seed: 9) != train(seed: 10))
    }

    @Test func stochasticTrainingLearns() {
        let data = blobs(rows: 600, classes: 3, seed: 4)
        let train = objective(data)
        let before = train.evaluate(model: .zeros(kind: .softmax, featureCount: 4, classCount: 3))
        let outcome = Trainer(train: train, options: TrainingOptions(optimizer: .sgd, epochs: 5, batchSize: 20, learningRate: 0.2)).run()
        let after = train.evaluate(model: outcome.model)
        #expect(after.meanLoss < before.meanLoss * 0.7)
        #expect(after.accuracy > 0.8)
        #expect(outcome.stopReason == .maxEpochs && outcome.epochsCompleted == 5)
        // Points a few times per epoch, each with the wall time growing.
        #expect(outcome.curve.count >= 5)
        #expect(zip(outcome.curve, outcome.curve.dropFirst()).allSatisfy { $0.step < $1.step && $0.wallSeconds <= $1.wallSeconds })
    }

    @Test func cancellationStopsWithinOneBatch() {
        let data = blobs(rows: 400, classes: 3, seed: 5)
        var steps = 0
        let callbacks = TrainingCallbacks(isCancelled: {
            steps += 1
            return steps > 3
        })
        let outcome = Trainer(train: objective(data), options: TrainingOptions(optimizer: .sgd, epochs: 100, batchSize: 10))
            .run(callbacks: callbacks)
        #expect(outcome.stopReason == .cancelled)
        #expect(outcome.steps == 3)
    }

    @Test func toleranceStopsAConvergedRun() {
        let data = blobs(rows: 200, classes: 2, seed: 6)
        let outcome = Trainer(train: objective(data, kind: .logistic, classes: 2),
                              options: TrainingOptions(optimizer: .lbfgs, epochs: 500, penalty: .l2(lambda: 0.1), tolerance: 1e-8)).run()
        #expect(outcome.stopReason == .converged)
        #expect(outcome.epochsCompleted < 500)
    }

    /// The largest absolute component of the gradient (with the L2 term) at a model, computed apart from the trainer.
    func largestGradient(_ objective: LinearObjective, _ model: LinearModel, l2: Double) -> Double {
        var gradient = [Float](repeating: 0, count: model.parameterCount)
        _ = gradient.withUnsafeMutableBufferPointer { objective.evaluate(model: model, gradient: $0.baseAddress!) }
        return gradient.enumerated().map { index, g in
            abs(Double(g) + (index < model.weights.count ? l2 * Double(model.weights[index]) : 0))
        }.max() ?? 0
    }

    /// With only the gradient test on, L-BFGS stops at the first iteration whose gradient is within the tolerance:
    /// the run one iteration shorter is not, and neither is the run with a tolerance ten times tighter.
    @Test(arguments: [2, 3])
    func gradientToleranceStopsWhenTheGradientIsSmallAndNotBefore(classes: Int) {
        let data = blobs(rows: 300, classes: classes, seed: UInt64(10 + classes))
        let train = objective(data, kind: classes == 2 ? .logistic : .softmax, classes: classes)
        let l2 = 1e-3
        let tolerance = 1e-4
        func run(epochs: Int, gradientTolerance: Double) -> TrainingOutcome<LinearModel> {
            Trainer(train: train, options: TrainingOptions(optimizer: .lbfgs, epochs: epochs, penalty: .l2(lambda: l2),
                                                           gradientTolerance: gradientTolerance)).run()
        }
        let outcome = run(epochs: 500, gradientTolerance: tolerance)
        #expect(outcome.stopReason == .converged)
        #expect(outcome.epochsCompleted > 1 && outcome.epochsCompleted < 500)
        #expect(largestGradient(train, outcome.model, l2: l2) <= tolerance * 1.01)
        let shorter = run(epochs: outcome.epochsCompleted - 1, gradientTolerance: 0)
        #expect(shorter.stopReason == .maxEpochs)
        #expect(largestGradient(train, shorter.model, l2: l2) > tolerance)
        let tighter = run(epochs: 500, gradientTolerance: tolerance / 10)
        #expect(tighter.epochsCompleted > outcome.epochsCompleted)
        #expect(largestGradient(train, tighter.model, l2: l2) <= tolerance / 10 * 1.01)
    }

    /// Gradient descent without L1 takes the test too (on the gradient at the start of its step); with L1 the
    /// gradient of the smooth part says nothing about convergence, so the test stays off.
    @Test func gradientDescentTakesTheGradientTestOnlyWithoutL1() {
        let train = objective(blobs(rows: 200, classes: 2, seed: 13), kind: .logistic, classes: 2)
        let smooth = Trainer(train: train, options: TrainingOptions(
            optimizer: .gd, epochs: 5000, learningRate: 1, penalty: .l2(lambda: 0.01), gradientTolerance: 1e-3)).run()
        #expect(smooth.stopReason == .converged && smooth.epochsCompleted < 5000)
        let sparse = Trainer(train: train, options: TrainingOptions(
            optimizer: .gd, epochs: 300, learningRate: 1, penalty: .l1(lambda: 0.01), gradientTolerance: 1e-3)).run()
        #expect(sparse.stopReason == .maxEpochs)
    }

    @Test func l2ShrinksTheWeights() {
        let data = blobs(rows: 300, classes: 3, seed: 8)
        let weak = Trainer(train: objective(data), options: TrainingOptions(optimizer: .lbfgs, epochs: 100, penalty: .l2(lambda: 1e-4))).run()
        let strong = Trainer(train: objective(data), options: TrainingOptions(optimizer: .lbfgs, epochs: 100, penalty: .l2(lambda: 1))).run()
        #expect(strong.model.weightNorm < weak.model.weightNorm / 2)
    }

    @Test func learningRateSchedules() {
        #expect(LearningRateSchedule.constant.rate(base: 0.5, step: 100, epoch: 3) == 0.5)
        #expect(LearningRateSchedule.inverseTime(decaySteps: 10).rate(base: 1, step: 10, epoch: 0) == 0.5)
        #expect(LearningRateSchedule.stepDecay(everyEpochs: 2, factor: 0.1).rate(base: 1, step: 0, epoch: 3.5) == 0.1)
        #expect(abs(LearningRateSchedule.exponential(ratePerEpoch: 0.5).rate(base: 1, step: 0, epoch: 2) - 0.25) < 1e-12)
    }
}

