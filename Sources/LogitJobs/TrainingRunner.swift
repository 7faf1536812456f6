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
        /// Trains with the objective `make` builds for each split.
        func train<Objective: TrainingObjective>(_ make: (LabeledRows) -> Objective) -> TrainingOutcome<Objective.Model> {
            func objective(_ rows: LabeledRows?) -> Objective? { rows.flatMap { $0.isEmpty ? nil : make($0) } }
            return Trainer(train: make(splits.train), validation: objective(splits.validation),
                           test: objective(splits.test), options: plan.trainingOptions).run(callbacks: callbacks)
        }
        let outcome: TrainingOutcome<TrainedModel>
        switch plan.model {
        case .ridge:
            outcome = try fitRidge(plan: plan, splits: splits, transform: transform, classCount: classes.count)
        case .mlp:
            let result = train {
                MLPObjective(data: $0, transform: transform, hiddenCount: plan.hidden ?? 128, classCount: classes.count,
                             activation: plan.activation ?? .relu, threads: threads)
            }
            outcome = result.mapModel(TrainedModel.mlp)
        case .logistic, .softmax, .ovr:
            let result = train {
                LinearObjective(data: $0, transform: transform, kind: plan.model, classCount: classes.count,
                                threads: threads)
            }
            outcome = result.mapModel(TrainedModel.linear)
        }
        if outcome.stopReason == .diverged || !outcome.model.weights.allSatisfy(\.isFinite) {
            throw RunError.diverged
        }
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

    /// Ridge has no iterations: one solve, and one curve point with each split's accuracy and log loss.
    private func fitRidge(plan: TrainingPlan, splits: DataSplits, transform: FeatureTransform, classCount: Int) throws
        -> TrainingOutcome<TrainedModel>
    {
        let started = ContinuousClock.now
        let model = try RidgeSolver.fit(data: splits.train, transform: transform, classCount: classCount,
                                        lambda: plan.regularization.l2Strength)
        func measure(_ rows: LabeledRows?) -> ClassificationMetrics? {
            guard let rows, !rows.isEmpty else { return nil }
            return ClassificationMetrics(model: model, data: rows, transform: transform)
        }
        let train = measure(splits.train)!
        let validation = measure(splits.validation)
        let test = measure(splits.test)
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
