import Foundation
import LogitCore
import LogitData
import LogitJobs
import Testing

/// The stopping rules are tight enough for the optimum itself: an unpenalised logistic fit of the standardised
/// breast cancer data ends where scikit-learn's L-BFGS run to tol 1e-12 does, both with the defaults (a small fit
/// takes `TrainingDefaults.SmallFit`) and with the gradient test asked for. (The large-fit defaults stop 0.038 away,
/// the gradient test at 1e-4 alone 3.7e-3: docs/benchmarks.md, "2026-11-28: convergence rule".)
@Suite struct GradientToleranceTests {
    /// scikit-learn 1.9.1, `LogisticRegression(C=inf, solver="lbfgs", tol=1e-12, max_iter=100000)` on all 699 rows,
    /// standardised and folded back to raw features (Benchmarks/sklearn_breast_cancer.py prints them).
    static let intercept = -9.714544
    static let coefficients = [0.534648, 0.011282, 0.323768, 0.237621, 0.058324, 0.428161, 0.412129, 0.158243, 0.535843]

    static let fitFields = #"""
        "dataset": "breast-cancer-wisconsin", "regularization": {"type": "none"}, "preprocess": "standardize",
        "validation_fraction": 0, "test_fraction": 0
        """#

    @Test func theDefaultsReachScikitLearnsOptimum() async throws {
        let plan = try await Self.plan("{\(Self.fitFields)}")
        #expect(plan.optimizer == .lbfgs)
        #expect(plan.tolerance == TrainingDefaults.SmallFit.tolerance)
        #expect(plan.gradientTolerance == TrainingDefaults.SmallFit.gradientTolerance)
        try await Self.expectOptimum(plan)
    }

    @Test func aSmallGradientToleranceReachesScikitLearnsOptimum() async throws {
        let plan = try await Self.plan(#"{\#(Self.fitFields), "tolerance": 0, "gradient_tolerance": 1e-6}"#)
        #expect(plan.optimizer == .lbfgs && plan.trainingOptions.gradientTolerance == 1e-6)
        try await Self.expectOptimum(plan)
    }

    /// The default MNIST fit is a large one: it keeps the stopping defaults that hold its job time.
    @Test func theDefaultMNISTFitKeepsTheLargeFitDefaults() async throws {
        let plan = try await Self.plan("{}")
        #expect(plan.tolerance == TrainingDefaults.tolerance(.lbfgs))
        #expect(plan.gradientTolerance == TrainingDefaults.gradientTolerance(.lbfgs))
    }

    static let registry = DatasetRegistry(dataDirectory: repositoryRoot.appendingPathComponent("data").path)

    static func plan(_ body: String) async throws -> TrainingPlan {
        let request = try JSONDecoder().decode(TrainRequest.self, from: Data(body.utf8))
        return try await TrainingPlan.resolve(request, limits: TrainingLimits(), datasetNames: registry.names,
                                              loadDataset: { try registry.dataset(named: $0) })
    }

    static func expectOptimum(_ plan: TrainingPlan) async throws {
        let data = try registry.dataset(named: plan.dataset)
        let splits = data.splits(task: plan.task, options: plan.splitOptions)
        #expect(splits.train.count == 699)
        let preprocessing = data.preprocessing(plan.preprocess, trainingRows: splits.train.rows)
        let objective = LinearObjective(data: splits.train, transform: FeatureTransform(preprocessing, featureCount: 9),
                                        kind: .logistic, classCount: 2)
        let outcome = Trainer(train: objective, options: plan.trainingOptions).run()
        #expect(outcome.stopReason == .converged)
        let model = outcome.model.foldingPreprocessing(preprocessing)
        let errors = [abs(Double(model.biases[0]) - intercept)]
            + zip(model.weights, coefficients).map { abs(Double($0) - $1) }
        #expect(errors.max()! < 1e-3, "intercept \(model.biases[0]), coefficients \(model.weights)")
    }
}
