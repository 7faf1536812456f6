import Foundation
import Testing
@testable import LogitCore

/// The penalties (L2, exact-zero L1, elastic net) and the optimisers reach the optimum they should.
@Suite struct RegularisationAndOptimiserTests {
    func objective(_ data: LabeledRows, classes: Int = 3) -> LinearObjective {
        LinearObjective(data: data, transform: FeatureTransform(.none, featureCount: data.matrix.columnCount),
                        kind: classes == 2 ? .logistic : .softmax, classCount: classes)
    }

    /// Blobs plus pure-noise features, which an L1 penalty should switch off exactly.
    func noisyBlobs(seed: UInt64) -> LabeledRows {
        let base = blobs(rows: 400, classes: 2, features: 2, seed: seed)
        var generator = SeededGenerator(seed: seed + 100)
        var x: [Float] = []
        for row in 0..<base.count {
            x += base.matrix.row(row)
            for _ in 0..<8 { x.append(Float.random(in: -1...1, using: &generator)) }
        }
        return LabeledRows(matrix: FeatureMatrix(floats: x, rowCount: base.count, columnCount: 10),
                           rows: base.rows, targets: base.targets)
    }

    @Test(arguments: [OptimizerKind.gd, .sgd, .momentum, .adam])
    func l1GivesExactZeros(optimizer: OptimizerKind) {
        let data = noisyBlobs(seed: 1)
        let stochastic = optimizer.isStochastic
        let options = TrainingOptions(
            optimizer: optimizer, epochs: stochastic ? 30 : 300, batchSize: stochastic ? 20 : 0,
            learningRate: optimizer == .adam ? 0.01 : 0.1, penalty: .l1(lambda: 0.05))
        let outcome = Trainer(train: objective(data, classes: 2), options: options).run()
        let zeros = outcome.model.weights.filter { $0 == 0 }.count
        #expect(zeros >= 6, "\(optimizer): \(outcome.model.weights)")
        #expect(outcome.model.weights[0] != 0 || outcome.model.weights[1] != 0)
        let unpenalised = Trainer(train: objective(data, classes: 2),
                                  options: TrainingOptions(optimizer: optimizer, epochs: options.epochs,
                                                           batchSize: options.batchSize, learningRate: options.learningRate))
            .run()
        #expect(unpenalised.model.weights.filter { $0 == 0 }.isEmpty)
    }

    @Test func elasticNetSitsBetweenItsParts() {
        let data = noisyBlobs(seed: 2)
        func zeros(_ penalty: Penalty) -> Int {
            Trainer(train: objective(data, classes: 2),
                    options: TrainingOptions(optimizer: .gd, epochs: 300, learningRate: 0.1, penalty: penalty))
                .run().model.weights.filter { $0 == 0 }.count
        }
        #expect(zeros(.elasticNet(lambda: 0.05, l1Ratio: 1)) == zeros(.l1(lambda: 0.05)))
        #expect(zeros(.elasticNet(lambda: 0.05, l1Ratio: 0)) == 0)
        #expect(Penalty.elasticNet(lambda: 2, l1Ratio: 0.25).value([1, -2]) == 2 * (0.25 * 3 + 0.75 / 2 * 5))
    }

    @Test func lineSearchNeverIncreasesTheObjective() {
        let data = blobs(rows: 300, classes: 3, seed: 3)
        // A first step far too large: without the search this diverges.
        let outcome = Trainer(train: objective(data),
                              options: TrainingOptions(optimizer: .gd, epochs: 60, learningRate: 100,
                                                       penalty: .l1(lambda: 0.001), lineSearch: true, evalEvery: 1))
            .run()
        let objectives = outcome.curve.map(\.trainObjective)
        #expect(objectives.count >= 50)
        for (before, after) in zip(objectives, objectives.dropFirst()) { #expect(after <= before + 1e-9) }
        #expect(objectives.last! < objectives.first! * 0.8)
    }

    @Test func momentumAndAdamLearn() {
        let data = blobs(rows: 600, classes: 3, seed: 4)
        let train = objective(data)
        for (optimizer, rate, nesterov) in [(OptimizerKind.momentum, 0.05, false), (.momentum, 0.05, true), (.adam, 0.02, false)] {
            let outcome = Trainer(train: train, options: TrainingOptions(
                optimizer: optimizer, epochs: 5, batchSize: 20, learningRate: rate, nesterov: nesterov)).run()
            #expect(train.evaluate(model: outcome.model).accuracy > 0.8, "\(optimizer) nesterov=\(nesterov)")
        }
    }

    @Test func earlyStoppingRestoresTheBestWeights() {
        // Few rows, many noise features, no penalty: validation loss turns up while training loss keeps falling.
        let all = noisyBlobs(seed: 5)
        let train = LabeledRows(matrix: all.matrix, rows: Array(all.rows[0..<30]), targets: Array(all.targets[0..<30]))
        let validation = LabeledRows(matrix: all.matrix, rows: Array(all.rows[200...]), targets: Array(all.targets[200...]))
        let validationObjective = objective(validation, classes: 2)
        let outcome = Trainer(
            train: objective(train, classes: 2), validation: validationObjective,
            options: TrainingOptions(optimizer: .gd, epochs: 5000, learningRate: 1,
                                     earlyStopping: EarlyStopping(patience: 5, restoreBest: true), evalEvery: 10))
            .run()
        #expect(outcome.stopReason == .earlyStopping)
        #expect(outcome.epochsCompleted < 5000)
        let best = outcome.curve.compactMap(\.validationLoss).min()!
        #expect(outcome.curve.last!.validationLoss! > best)
        // The returned model is the best one, not the last one.
        #expect(abs(validationObjective.evaluate(model: outcome.model).meanLoss - best) < 1e-9)
        #expect(outcome.bestEpoch != nil && outcome.bestEpoch! < Double(outcome.epochsCompleted))
    }
}
