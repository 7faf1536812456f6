import Foundation
import LogitCore
import LogitData
import LogitJobs
import LogitStore
import Testing

/// A sweep's path: the L1 path of the breast cancer data is scikit-learn's, a warm-started point is its cold fit,
/// and the point chosen is the one with the best cross-validated score.
@Suite struct RegularisationPathTests {
    /// scikit-learn 1.9.1, `LogisticRegression(l1_ratio=1, C=1/(lambda*699), solver="saga", tol=1e-10)` on all 699
    /// rows, standardised (Benchmarks/sklearn_l1_path.py prints them): lambda, intercept, coefficients.
    static let reference: [(Double, Float, [Float])] = [
        (0.3, -0.66486, [0.00000, 0.13498, 0.11108, 0.00000, 0.00000, 0.21369, 0.00000, 0.00000, 0.00000]),
        (0.1, -0.84163, [0.27502, 0.42127, 0.34573, 0.00000, 0.00000, 0.70970, 0.15758, 0.07177, 0.00000]),
        (0.03, -1.01536, [0.71637, 0.45629, 0.51720, 0.10347, 0.03930, 1.02588, 0.43030, 0.25966, 0.00000]),
        (0.01, -1.13738, [1.07433, 0.29791, 0.71177, 0.31298, 0.09688, 1.24613, 0.67060, 0.35972, 0.17341]),
        (0.003, -1.19783, [1.31591, 0.13771, 0.87028, 0.51306, 0.11614, 1.41841, 0.85916, 0.43147, 0.50809]),
    ]

    let runner = TrainingRunner(datasets: repositoryDatasets, threads: 1)

    /// The sweep of the issue's example, on all rows (scored by 5-fold CV), long enough to reach each optimum.
    func sweep(_ extra: String = "", cvFolds: Int = 5) async throws -> SweepPlan {
        let body = """
            {"name": "bcw-path", "base": {"dataset": "breast-cancer-wisconsin", "model": "logistic",
             "regularization": {"type": "l1"}, "preprocess": "standardize", "validation_fraction": 0,
             "test_fraction": 0, "epochs": 5000, "learning_rate": 0.5 \(extra)},
             "grid": {"regularization.lambda": [0.003, 0.3, 0.01, 0.1, 0.03]}, "cv_folds": \(cvFolds),
             "metric": "log_loss", "promote": "best"}
            """
        let request = try JSONDecoder().decode(SweepRequest.self, from: Data(body.utf8))
        return try await SweepPlan.resolve(request, limits: TrainingLimits(maxEpochs: 10_000, maxWork: 1_000_000_000),
                                           maxPoints: 100, datasetNames: try await repositoryDatasets.allNames(),
                                           loadDataset: { try await repositoryDatasets.loaded($0) })
    }

    func run(_ plan: SweepPlan) throws -> [SweepPathRunner.PointOutput] {
        var outputs: [SweepPathRunner.PointOutput] = []
        let completed = try SweepPathRunner(runner: runner).run(sweep: plan, path: plan.paths[0], jobId: nil,
                                                                 isCancelled: { false }) { outputs.append($0) }
        #expect(completed)
        return outputs
    }

    @Test func theL1PathIsScikitLearnsWithZerosGrowingWithLambda() async throws {
        let plan = try await sweep()
        #expect(plan.paths.count == 1)
        // Strongest penalty first, whatever the grid's order.
        #expect(plan.paths[0].map { plan.points[$0].plan.regularization.strength } == [0.3, 0.1, 0.03, 0.01, 0.003])
        let outputs = try run(plan)
        #expect(outputs.map(\.result.warmStart) == [false, true, true, true, true])
        var previousZeros = Int.max
        for (output, (lambda, intercept, coefficients)) in zip(outputs, Self.reference) {
            #expect(output.result.lambda == lambda)
            guard case .linear(let model) = output.version.model else { Issue.record("not linear"); continue }
            #expect(abs(model.biases[0] - intercept) < 1e-2, "lambda \(lambda): intercept \(model.biases[0])")
            for (found, expected) in zip(model.weights, coefficients) {
                #expect(abs(found - expected) < 1e-2, "lambda \(lambda): \(model.weights)")
                // scikit-learn's exact zeros are exact zeros here too.
                if expected == 0 { #expect(found == 0, "lambda \(lambda): \(model.weights)") }
            }
            let zeros = model.weights.filter { $0 == 0 }.count
            #expect(zeros <= previousZeros)
            previousZeros = zeros
            #expect(output.result.sparsity == Double(zeros) / 9)
            #expect(output.result.coefficients == model.weights)
        }
        #expect(outputs.first!.result.sparsity > outputs.last!.result.sparsity)
    }

    @Test func aWarmStartedPointIsItsColdFit() async throws {
        let plan = try await sweep()
        let outputs = try run(plan)
        let data = try repositoryDatasets.dataset(named: "breast-cancer-wisconsin")
        let first = plan.points[0].plan
        let splits = data.splits(task: first.task, options: first.splitOptions)
        let transform = FeatureTransform(data.preprocessing(first.preprocess, trainingRows: splits.train.rows),
                                         featureCount: 9)
        for output in outputs.dropFirst() {
            let cold = try runner.fit(plan: plan.points[output.result.index].plan, classCount: 2, transform: transform,
                                      train: splits.train, validation: nil, test: nil)
            for (warm, cold) in zip(output.version.model.weights, cold.model.weights) {
                #expect(abs(warm - cold) < 1e-3, "lambda \(output.result.lambda)")
            }
        }
    }

    @Test func anL2PathOnLBFGSWarmStartsToTheSameOptimaInFewerIterations() async throws {
        let body = """
            {"name": "bcw-l2", "base": {"dataset": "breast-cancer-wisconsin", "regularization": {"type": "l2"},
             "preprocess": "standardize", "validation_fraction": 0.2},
             "grid": {"regularization.lambda": {"log_space": [1, 0.0001, 6]}}}
            """
        let request = try JSONDecoder().decode(SweepRequest.self, from: Data(body.utf8))
        let plan = try await SweepPlan.resolve(request, limits: TrainingLimits(), maxPoints: 100,
                                               datasetNames: try await repositoryDatasets.allNames(),
                                               loadDataset: { try await repositoryDatasets.loaded($0) })
        #expect(plan.points.map(\.plan.optimizer) == Array(repeating: .lbfgs, count: 6))
        let outputs = try run(plan)
        let data = try repositoryDatasets.dataset(named: "breast-cancer-wisconsin")
        let first = plan.points[0].plan
        let splits = data.splits(task: first.task, options: first.splitOptions)
        let transform = FeatureTransform(data.preprocessing(first.preprocess, trainingRows: splits.train.rows),
                                         featureCount: 9)
        var warmIterations = 0
        var coldIterations = 0
        for output in outputs.dropFirst() {
            let cold = try runner.fit(plan: plan.points[output.result.index].plan, classCount: 2, transform: transform,
                                      train: splits.train, validation: nil, test: nil)
            for (warm, cold) in zip(output.version.model.weights, cold.model.weights) {
                #expect(abs(warm - cold) < 2e-3, "lambda \(output.result.lambda)")
            }
            warmIterations += output.result.epochsCompleted
            coldIterations += cold.epochsCompleted
        }
        #expect(warmIterations < coldIterations)
        // Without folds, points are scored on the validation split.
        #expect(outputs.allSatisfy { $0.result.cv == nil && $0.result.score == $0.result.validation?.logLoss })
    }

    @Test func theBestPointHasTheBestCrossValidatedScoreReproducibly() async throws {
        let plan = try await sweep()
        let outputs = try run(plan)
        let again = try run(try await sweep())
        #expect(outputs.map(\.result.cv) == again.map(\.result.cv))
        for output in outputs {
            let cv = try #require(output.result.cv)
            #expect(cv.folds.count == 5 && output.result.score == cv.mean)
        }
        let records = outputs.map {
            SweepPointRecord(sweepId: "s", index: $0.result.index, jobId: "j", result: $0.result.json())
        }
        let state = SweepState(plan: plan, points: records, jobs: [])
        let lowest = outputs.min { $0.result.score < $1.result.score }!
        #expect(state.best == lowest.result.index)
        #expect(state.pointsDone == 5)
        // A different seed makes different folds, and different scores.
        let reseeded = try run(try await sweep(#", "seed": 3"#))
        #expect(reseeded.map(\.result.cv) != outputs.map(\.result.cv))
    }
}
