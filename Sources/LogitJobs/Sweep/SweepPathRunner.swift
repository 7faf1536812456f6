import Foundation
import LogitCore
import LogitData
import LogitStore

/// Runs one path of a sweep, synchronously, on the calling (non-cooperative) thread: for each point, from the
/// strongest penalty to the weakest, it scores the point (on each of `cv_folds` stratified folds of the training
/// rows, or on the validation split) and refits it on all training rows, each fit starting from the same fit's
/// solution at the previous point (a warm start; the optimum is the same as a cold fit's, reached in fewer steps).
public struct SweepPathRunner: Sendable {
    public let runner: TrainingRunner

    public init(runner: TrainingRunner) {
        self.runner = runner
    }

    /// A point done: its result and its refit, to store as a version.
    public struct PointOutput: Sendable {
        public var result: SweepPointResult
        public var version: ModelVersion
    }

    /// Runs `path`'s points except those in `done`, calling `onPoint` as each finishes; stops (returning false)
    /// when `isCancelled` says so.
    public func run(sweep: SweepPlan, path: [Int], done: Set<Int> = [], jobId: String?,
                    isCancelled: @escaping @Sendable () -> Bool,
                    onPoint: (PointOutput) throws -> Void) throws -> Bool
    {
        guard let first = path.first.map({ sweep.points[$0].plan }) else { return true }
        let dataset = try runner.datasets.dataset(named: first.dataset)
        // The points of a path differ only in the penalty's strength: one split, one preprocessing, one set of folds.
        let splits = dataset.splits(task: first.task, options: first.splitOptions)
        guard !splits.train.isEmpty else { throw TrainingRunner.RunError.noTrainingRows }
        let classes = first.task.classLabels(datasetClasses: dataset.classes)
        let preprocessing = dataset.preprocessing(first.preprocess, trainingRows: splits.train.rows)
        let transform = FeatureTransform(preprocessing, featureCount: dataset.featureCount)
        // Each fold is preprocessed from its own training rows, so the held-out rows tell nothing to the fit.
        let folds = sweep.cvFolds.map { StratifiedFolds(splits.train, count: $0, seed: first.seed).folds } ?? []
        let foldTransforms = folds.map {
            FeatureTransform(dataset.preprocessing(first.preprocess, trainingRows: $0.train.rows),
                             featureCount: dataset.featureCount)
        }
        let callbacks = TrainingCallbacks(isCancelled: isCancelled)
        var foldModels = [TrainedModel?](repeating: nil, count: folds.count)
        var refitModel: TrainedModel?
        for index in path {
            if isCancelled() { return false }
            if done.contains(index) {
                // Recorded by an earlier run of this job: the next point starts cold.
                foldModels = foldModels.map { _ in nil }
                refitModel = nil
                continue
            }
            let plan = sweep.points[index].plan
            let started = ContinuousClock.now
            let warm = refitModel != nil
            var foldScores: [Double] = []
            for (f, fold) in folds.enumerated() {
                let outcome = try runner.fit(plan: plan, classCount: classes.count, transform: foldTransforms[f],
                                             train: fold.train, validation: nil, test: nil, initial: foldModels[f],
                                             callbacks: callbacks)
                if isCancelled() { return false }
                foldModels[f] = outcome.model
                let metrics = ClassificationMetrics(model: outcome.model, data: fold.heldOut, transform: foldTransforms[f])
                foldScores.append(sweep.metric.value(metrics) ?? .nan)
            }
            let outcome = try runner.fit(plan: plan, classCount: classes.count, transform: transform,
                                         train: splits.train, validation: splits.validation, test: splits.test,
                                         initial: refitModel, callbacks: callbacks)
            if isCancelled() { return false }
            refitModel = outcome.model
            func measure(_ rows: LabeledRows?) -> ClassificationMetrics? {
                guard let rows, !rows.isEmpty else { return nil }
                return ClassificationMetrics(model: outcome.model, data: rows, transform: transform)
            }
            let trainMetrics = measure(splits.train)!
            let validation = measure(splits.validation)
            let test = measure(splits.test)
            let cv = folds.isEmpty ? nil : SweepPointResult.CrossValidation(folds: foldScores)
            let weights = outcome.model.weights
            let elapsed = started.duration(to: .now)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let tabular = dataset.imageShape == nil && plan.model != .mlp
                && weights.count <= SweepPointResult.coefficientLimit
            let result = SweepPointResult(
                index: index, lambda: plan.regularization.strength,
                score: cv?.mean ?? validation.flatMap(sweep.metric.value) ?? .nan, cv: cv,
                train: .init(trainMetrics), validation: validation.map(SweepPointResult.Scores.init),
                test: test.map(SweepPointResult.Scores.init),
                sparsity: weights.isEmpty ? 0 : Double(weights.filter { $0 == 0 }.count) / Double(weights.count),
                weightNorm: outcome.model.weightNorm, coefficients: tabular ? weights : nil,
                epochsCompleted: outcome.epochsCompleted, warmStart: warm, seconds: seconds)
            let metadata = ModelVersionMetadata(
                name: plan.name, kind: plan.model, classes: classes, preprocessing: preprocessing,
                featureCount: dataset.featureCount, imageShape: dataset.imageShape.map { [$0.height, $0.width] },
                dataset: plan.dataset, hyperparameters: plan.json(), metrics: test, trainingSeconds: outcome.seconds,
                stopReason: outcome.stopReason.rawValue, epochsCompleted: outcome.epochsCompleted, jobId: jobId,
                createdAt: Date(), constantFeatureShare: dataset.constantFeatureShare(rows: splits.train.rows),
                bestEpoch: outcome.bestEpoch, hiddenUnits: plan.hidden, activation: plan.activation)
            try onPoint(PointOutput(result: result,
                                    version: ModelVersion(metadata: metadata, model: outcome.model, curves: outcome.curve)))
        }
        return true
    }
}
