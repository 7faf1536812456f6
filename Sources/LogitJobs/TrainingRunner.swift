import Foundation
import LogitCore
import LogitData
import LogitStore

/// Runs one training plan to a model version, synchronously, on the calling (non-cooperative) thread:
/// split the data, train, measure on the test split. Shared by the job scheduler and the command line.
public struct TrainingRunner: Sendable {
    public let datasets: DatasetRegistry
    /// Threads one job's passes over the data may use.
    public let threads: Int
    /// Nice value of the threads a scheduled job trains on (0-19): above 0, request handlers get most of the CPU
    /// while a job trains.
    public let nice: Int

    public init(datasets: DatasetRegistry, threads: Int, nice: Int = 0) {
        self.datasets = datasets
        self.threads = max(1, threads)
        self.nice = min(max(0, nice), 19)
    }

    public struct Output: Sendable {
        public var version: ModelVersion
        public var stopReason: StopReason
        /// Rows the model trained on (for throughput figures).
        public var trainingRows: Int
    }

    public func run(plan: TrainingPlan, jobId: String?, callbacks: TrainingCallbacks) throws -> Output {
        let dataset = try datasets.dataset(named: plan.dataset)
        let splits = dataset.splits(task: plan.task, options: plan.splitOptions)
        guard !splits.train.isEmpty else { throw RunError.noTrainingRows }
        let classes = plan.task.classLabels(datasetClasses: dataset.classes)
        let preprocessing = dataset.preprocessing(plan.preprocess, trainingRows: splits.train.rows)
        let transform = FeatureTransform(preprocessing, featureCount: dataset.featureCount)
        let outcome = try fit(plan: plan, classCount: classes.count, transform: transform, train: splits.train,
                              validation: splits.validation, test: splits.test, callbacks: callbacks)
        let metrics = splits.test.flatMap { rows in
            rows.isEmpty ? nil : ClassificationMetrics(model: outcome.model, data: rows, transform: transform)
        }
        let metadata = ModelVersionMetadata(
            name: plan.name, kind: plan.model, classes: classes, preprocessing: preprocessing,
            featureCount: dataset.featureCount, imageShape: dataset.imageShape.map { [$0.height, $0.width] },
            dataset: plan.dataset, hyperparameters: plan.json(), metrics: metrics, trainingSeconds: outcome.seconds,
            stopReason: outcome.stopReason.rawValue, epochsCompleted: outcome.epochsCompleted, jobId: jobId,
            createdAt: Date(), constantFeatureShare: dataset.constantFeatureShare(rows: splits.train.rows),
            bestEpoch: outcome.bestEpoch, hiddenUnits: plan.hidden, activation: plan.activation)
        return Output(version: ModelVersion(metadata: metadata, model: outcome.model, curves: outcome.curve),
                      stopReason: outcome.stopReason, trainingRows: splits.train.count)
    }

    /// Trains the plan's model on `train` (measuring `validation` and `test` along the way), starting from
    /// `initial`'s parameters when given (a warm start: a sweep's path starts each point from the previous point's
    /// solution, as glmnet does) or from the objective's own start. Throws when training diverges.
    public func fit(plan: TrainingPlan, classCount: Int, transform: FeatureTransform, train: LabeledRows,
                    validation: LabeledRows?, test: LabeledRows?, initial: TrainedModel? = nil,
                    callbacks: TrainingCallbacks = TrainingCallbacks()) throws -> TrainingOutcome<TrainedModel>
    {
        /// Trains with the objective `make` builds for each split, from the parameters `start` gives for it.
        func run<Objective: TrainingObjective>(_ make: (LabeledRows) -> Objective, start: (Objective) -> [Float]?)
            -> TrainingOutcome<Objective.Model>
        {
            func objective(_ rows: LabeledRows?) -> Objective? { rows.flatMap { $0.isEmpty ? nil : make($0) } }
            let trainObjective = make(train)
            return Trainer(train: trainObjective, validation: objective(validation), test: objective(test),
                           options: plan.trainingOptions, initial: start(trainObjective)).run(callbacks: callbacks)
        }
        let outcome: TrainingOutcome<TrainedModel>
        switch plan.model {
        case .ridge:
            outcome = try fitRidge(plan: plan, train: train, validation: validation, test: test, transform: transform,
                                   classCount: classCount)
        case .mlp:
            let result = run({
                MLPObjective(data: $0, transform: transform, hiddenCount: plan.hidden ?? 128, classCount: classCount,
                             activation: plan.activation ?? .relu, threads: threads)
            }, start: { objective in
                guard case .mlp(let model) = initial, model.parameters.count == objective.parameterCount else { return nil }
                return objective.trainingParameters(of: model.parameters)
            })
            outcome = result.mapModel(TrainedModel.mlp)
        case .logistic, .softmax, .ovr:
            let result = run({
                LinearObjective(data: $0, transform: transform, kind: plan.model, classCount: classCount,
                                threads: threads)
            }, start: { objective in
                guard case .linear(let model) = initial, model.parameterCount == objective.parameterCount else { return nil }
                return model.parameters
            })
            outcome = result.mapModel(TrainedModel.linear)
        }
        if outcome.stopReason == .diverged || !outcome.model.weights.allSatisfy(\.isFinite) {
            throw RunError.diverged
        }
        return outcome
    }

    /// Ridge has no iterations: one solve, and one curve point with each split's accuracy and log loss.
    private func fitRidge(plan: TrainingPlan, train trainRows: LabeledRows, validation validationRows: LabeledRows?,
                          test testRows: LabeledRows?, transform: FeatureTransform, classCount: Int) throws
        -> TrainingOutcome<TrainedModel>
    {
        let started = ContinuousClock.now
        let model = try RidgeSolver.fit(data: trainRows, transform: transform, classCount: classCount,
                                        lambda: plan.regularization.l2Strength)
        func measure(_ rows: LabeledRows?) -> ClassificationMetrics? {
            guard let rows, !rows.isEmpty else { return nil }
            return ClassificationMetrics(model: model, data: rows, transform: transform)
        }
        let train = measure(trainRows)!
        let validation = measure(validationRows)
        let test = measure(testRows)
        let elapsed = started.duration(to: .now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let point = CurvePoint(
            step: 1, epoch: 1, wallSeconds: seconds, learningRate: 0, weightNorm: model.weightNorm,
            trainLoss: train.logLoss, trainObjective: train.logLoss, trainAccuracy: train.accuracy,
            validationLoss: validation?.logLoss, validationAccuracy: validation?.accuracy,
            testLoss: test?.logLoss, testAccuracy: test?.accuracy)
        return TrainingOutcome(model: .linear(model), stopReason: .converged, epochsCompleted: 1, steps: 1, curve: [point],
                               seconds: seconds, bestEpoch: nil)
    }

    public enum RunError: Error, CustomStringConvertible {
        case noTrainingRows
        case diverged
        public var description: String {
            switch self {
            case .noTrainingRows: "the task selects no training rows"
            case .diverged: "training diverged: the loss stopped being a finite number; lower the learning_rate"
            }
        }
    }
}
