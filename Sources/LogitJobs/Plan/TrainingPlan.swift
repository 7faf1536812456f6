import Foundation
import LogitCore
import LogitData

/// A training request with every default filled in and every value checked: what a job runs, and what the model
/// version records as its hyper-parameters (as JSON, in the request's own field names).
public struct TrainingPlan: Sendable, Equatable {
    public var name: String
    public var dataset: String
    public var task: ClassificationTask
    public var model: ModelKind
    public var optimizer: OptimizerKind
    public var epochs: Int
    /// 0 = full batch.
    public var batchSize: Int
    public var learningRate: Double
    public var schedule: TrainingSchedule
    /// The penalty, its strength resolved (from scikit-learn's `C` when the request gave one).
    public var regularization: Penalty
    public var earlyStopping: EarlyStopping?
    /// Hidden units and activation of an MLP (nil for linear models).
    public var hidden: Int?
    public var activation: Activation?
    public var momentum: Double
    public var nesterov: Bool
    public var tolerance: Double
    /// Full-batch runs also stop when no gradient component exceeds this (0 = never).
    public var gradientTolerance: Double
    public var validationFraction: Double
    /// Share held out for testing when the data set has no official test split.
    public var testFraction: Double
    public var trainSize: Int?
    public var seed: UInt64
    /// Steps between curve points; 0 = the optimiser's default (four per epoch for mini-batch optimisers, every 5
    /// iterations for full-batch ones).
    public var evalEvery: Int
    public var preprocess: PreprocessKind

    /// The options the trainer takes.
    public var trainingOptions: TrainingOptions {
        TrainingOptions(
            optimizer: optimizer, epochs: epochs, batchSize: batchSize, learningRate: learningRate,
            schedule: schedule.learningRateSchedule, penalty: regularization, momentum: momentum, nesterov: nesterov,
            lineSearch: schedule == .lineSearch, earlyStopping: earlyStopping, tolerance: tolerance,
            gradientTolerance: gradientTolerance, seed: seed, evalEvery: evalEvery)
    }

    public var splitOptions: SplitOptions {
        SplitOptions(validationFraction: validationFraction, testFraction: testFraction, trainSize: trainSize, seed: seed)
    }

    /// The plan as JSON, as jobs and versions store it.
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }

    public static func decode(json: String) throws -> TrainingPlan {
        try JSONDecoder().decode(TrainingPlan.self, from: Data(json.utf8))
    }
}

extension TrainingPlan: Codable {
    enum CodingKeys: String, CodingKey {
        case name, dataset, task, model, optimizer, epochs, schedule, regularization, tolerance, seed, preprocess
        case momentum, nesterov, hidden, activation
        case earlyStopping = "early_stopping"
        case batchSize = "batch_size"
        case learningRate = "learning_rate"
        case validationFraction = "validation_fraction"
        case testFraction = "test_fraction"
        case trainSize = "train_size"
        case evalEvery = "eval_every"
        case gradientTolerance = "gradient_tolerance"
    }

    /// `{"type": "l2", "lambda": 0.0001}`, with `l1_ratio` for elastic net.
    private struct RegularizationJSON: Codable {
        var type: String
        var lambda: Double?
        var l1Ratio: Double?
        enum CodingKeys: String, CodingKey {
            case type, lambda
            case l1Ratio = "l1_ratio"
        }

        init(_ penalty: Penalty) {
            switch penalty {
            case .none: (type, lambda) = ("none", 0)
            case .l2(let lambda): (type, self.lambda) = ("l2", lambda)
            case .l1(let lambda): (type, self.lambda) = ("l1", lambda)
            case .elasticNet(let lambda, let ratio): (type, self.lambda, l1Ratio) = ("elastic_net", lambda, ratio)
            }
        }

        var penalty: Penalty {
            let lambda = lambda ?? 0
            return switch type {
            case "l2": .l2(lambda: lambda)
            case "l1": .l1(lambda: lambda)
            case "elastic_net": .elasticNet(lambda: lambda, l1Ratio: l1Ratio ?? TrainingDefaults.l1Ratio)
            default: .none
            }
        }
    }

    /// `{"patience": 3, "restore_best": true, "min_delta": 0}`.
    private struct EarlyStoppingJSON: Codable {
        var patience: Int
        var restoreBest: Bool
        var minDelta: Double
        enum CodingKeys: String, CodingKey {
            case patience
            case restoreBest = "restore_best"
            case minDelta = "min_delta"
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(dataset, forKey: .dataset)
        try c.encode(task, forKey: .task)
        try c.encode(model, forKey: .model)
        try c.encode(optimizer, forKey: .optimizer)
        try c.encode(epochs, forKey: .epochs)
        try c.encode(batchSize, forKey: .batchSize)
        try c.encode(learningRate, forKey: .learningRate)
        try c.encode(schedule, forKey: .schedule)
        try c.encode(RegularizationJSON(regularization), forKey: .regularization)
        try c.encodeIfPresent(earlyStopping.map {
            EarlyStoppingJSON(patience: $0.patience, restoreBest: $0.restoreBest, minDelta: $0.minDelta)
        }, forKey: .earlyStopping)
        try c.encodeIfPresent(hidden, forKey: .hidden)
        try c.encodeIfPresent(activation, forKey: .activation)
        try c.encode(momentum, forKey: .momentum)
        try c.encode(nesterov, forKey: .nesterov)
        try c.encode(tolerance, forKey: .tolerance)
        try c.encode(gradientTolerance, forKey: .gradientTolerance)
        try c.encode(validationFraction, forKey: .validationFraction)
        try c.encode(testFraction, forKey: .testFraction)
        try c.encodeIfPresent(trainSize, forKey: .trainSize)
        try c.encode(seed, forKey: .seed)
        try c.encode(evalEvery, forKey: .evalEvery)
        try c.encode(preprocess, forKey: .preprocess)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        dataset = try c.decode(String.self, forKey: .dataset)
        task = try c.decode(ClassificationTask.self, forKey: .task)
        model = try c.decode(ModelKind.self, forKey: .model)
        optimizer = try c.decode(OptimizerKind.self, forKey: .optimizer)
        epochs = try c.decode(Int.self, forKey: .epochs)
        batchSize = try c.decode(Int.self, forKey: .batchSize)
        learningRate = try c.decode(Double.self, forKey: .learningRate)
        schedule = try c.decode(TrainingSchedule.self, forKey: .schedule)
        regularization = try c.decode(RegularizationJSON.self, forKey: .regularization).penalty
        earlyStopping = try c.decodeIfPresent(EarlyStoppingJSON.self, forKey: .earlyStopping).map {
            EarlyStopping(patience: $0.patience, restoreBest: $0.restoreBest, minDelta: $0.minDelta)
        }
        hidden = try c.decodeIfPresent(Int.self, forKey: .hidden)
        activation = try c.decodeIfPresent(Activation.self, forKey: .activation)
        momentum = try c.decode(Double.self, forKey: .momentum)
        nesterov = try c.decode(Bool.self, forKey: .nesterov)
        tolerance = try c.decode(Double.self, forKey: .tolerance)
        // Plans stored before the gradient test existed ran without it.
        gradientTolerance = try c.decodeIfPresent(Double.self, forKey: .gradientTolerance) ?? 0
        validationFraction = try c.decode(Double.self, forKey: .validationFraction)
        testFraction = try c.decode(Double.self, forKey: .testFraction)
        trainSize = try c.decodeIfPresent(Int.self, forKey: .trainSize)
        seed = try c.decode(UInt64.self, forKey: .seed)
        evalEvery = try c.decode(Int.self, forKey: .evalEvery)
        preprocess = try c.decode(PreprocessKind.self, forKey: .preprocess)
    }
}
