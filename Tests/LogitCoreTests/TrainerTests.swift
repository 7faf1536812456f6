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

@Suite struct TrainerTests {
    func objective(_ data: LabeledRows, kind: LinearModelKind = .softmax, classes: Int = 3) -> LinearObjective {
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

    @Test func lbfgsAndGradientDescentReachTheSameOptimum() {
        let data = blobs(rows: 300, classes: 3, seed: 1)
        let train = objective(data)
        let l2 = 0.01
        let lbfgs = Trainer(train: train, options: TrainingOptions(optimizer: .lbfgs, epochs: 200, l2: l2, tolerance: 1e-12)).run()
        let gd = Trainer(train: train, options: TrainingOptions(optimizer: .gd, epochs: 3000, learningRate: 0.5, l2: l2)).run()
        let (lbfgsValue, lbfgsGradient) = optimality(train, lbfgs.model, l2: l2)
        let (gdValue, _) = optimality(train, gd.model, l2: l2)
        #expect(lbfgsGradient < 1e-3)
        #expect(abs(lbfgsValue - gdValue) < 1e-4)
        for (a, b) in zip(lbfgs.model.weights, gd.model.weights) { #expect(abs(a - b) < 5e-3) }
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
                              options: TrainingOptions(optimizer: .lbfgs, epochs: 500, l2: 0.1, tolerance: 1e-8)).run()
        #expect(outcome.stopReason == .converged)
        #expect(outcome.epochsCompleted < 500)
    }

    @Test func l2ShrinksTheWeights() {
        let data = blobs(rows: 300, classes: 3, seed: 8)
        let weak = Trainer(train: objective(data), options: TrainingOptions(optimizer: .lbfgs, epochs: 100, l2: 1e-4)).run()
        let strong = Trainer(train: objective(data), options: TrainingOptions(optimizer: .lbfgs, epochs: 100, l2: 1)).run()
        #expect(strong.model.weightNorm < weak.model.weightNorm / 2)
    }

    @Test func learningRateSchedules() {
        #expect(LearningRateSchedule.constant.rate(base: 0.5, step: 100, epoch: 3) == 0.5)
        #expect(LearningRateSchedule.inverseTime(decaySteps: 10).rate(base: 1, step: 10, epoch: 0) == 0.5)
        #expect(LearningRateSchedule.stepDecay(everyEpochs: 2, factor: 0.1).rate(base: 1, step: 0, epoch: 3.5) == 0.1)
        #expect(abs(LearningRateSchedule.exponential(ratePerEpoch: 0.5).rate(base: 1, step: 0, epoch: 2) - 0.25) < 1e-12)
    }
}
