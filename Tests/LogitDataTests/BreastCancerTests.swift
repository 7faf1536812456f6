import Foundation
import Testing
import LogitCore
@testable import LogitData

@Suite struct BreastCancerTests {
    let registry = DatasetRegistry(dataDirectory: dataDirectory)

    @Test func theFileIsReadWithMediansForMissingValues() throws {
        let data = try registry.dataset(named: "breast-cancer-wisconsin")
        #expect(data.train.rowCount == 699 && data.featureCount == 9)
        #expect(data.classes == [2, 4])
        #expect(data.histogram(of: data.trainLabels) == [2: 458, 4: 241])
        #expect(data.test == nil)
        #expect(data.defaultTask == .binary(positive: [4]))
        // Row 24 (sample 1057013) has '?' for bare nuclei: the column median, 1, takes its place.
        #expect(data.train.row(23)[5] == 1)
    }

    /// scikit-learn's LogisticRegression on all 699 rows, unscaled, without penalty (C = 1e4 gives the same to
    /// 4 decimals): intercept -9.7145 and these coefficients.
    static let intercept: Float = -9.7145
    static let coefficients: [Float] = [0.5347, 0.0113, 0.3238, 0.2376, 0.0583, 0.4282, 0.4121, 0.1582, 0.5358]

    /// Fits on all rows, after `preprocess`, and returns the model on raw features.
    func fit(_ options: TrainingOptions, preprocess: PreprocessKind = .none) throws -> LinearModel {
        let data = try registry.dataset(named: "breast-cancer-wisconsin")
        let splits = data.splits(task: data.defaultTask, options: SplitOptions(validationFraction: 0, testFraction: 0))
        #expect(splits.train.count == 699)
        let preprocessing = data.preprocessing(preprocess, trainingRows: splits.train.rows)
        let objective = LinearObjective(data: splits.train, transform: FeatureTransform(preprocessing, featureCount: 9),
                                        kind: .logistic, classCount: 2)
        return Trainer(train: objective, options: options).run().model.foldingPreprocessing(preprocessing)
    }

    func expectOptimum(_ model: LinearModel) {
        #expect(abs(model.biases[0] - Self.intercept) < 1e-3, "intercept \(model.biases[0])")
        for (found, expected) in zip(model.weights, Self.coefficients) {
            #expect(abs(found - expected) < 1e-3, "coefficients \(model.weights)")
        }
    }

    @Test func lbfgsReachesScikitLearnsOptimum() throws {
        expectOptimum(try fit(TrainingOptions(optimizer: .lbfgs, epochs: 1000, tolerance: 1e-14)))
    }

    /// Plain gradient descent crawls on the raw features (their Hessian is badly conditioned), so it runs on
    /// standardised ones; the optimum of an unpenalised model does not depend on that choice.
    @Test func longGradientDescentReachesItToo() throws {
        expectOptimum(try fit(TrainingOptions(optimizer: .gd, epochs: 20_000, learningRate: 1, evalEvery: 10_000),
                              preprocess: .standardize))
    }

    @Test func foldingPreprocessingKeepsPredictions() throws {
        let data = try registry.dataset(named: "breast-cancer-wisconsin")
        let rows = Array(0..<Int32(50))
        let preprocessing = data.preprocessing(.standardize, trainingRows: Array(0..<Int32(699)))
        let model = LinearModel(kind: .logistic, featureCount: 9, weights: (0..<9).map { Float($0) / 10 - 0.3 },
                                biases: [0.2])
        let scaled = model.predictProbabilities(matrix: data.train, rows: rows,
                                                transform: FeatureTransform(preprocessing, featureCount: 9))
        let raw = model.foldingPreprocessing(preprocessing)
            .predictProbabilities(matrix: data.train, rows: rows, transform: FeatureTransform(.none, featureCount: 9))
        for (a, b) in zip(scaled, raw) { #expect(abs(a - b) < 1e-5) }
    }
}
