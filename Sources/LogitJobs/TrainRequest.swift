import LogitCore
import LogitData

/// The body of `POST /train`, as sent: every field optional, unknown fields rejected.
public struct TrainRequest: Codable, Sendable, Equatable {
    public var name: String?
    public var dataset: String?
    public var task: ClassificationTask?
    public var model: String?
    public var optimizer: String?
    public var epochs: Int?
    public var batchSize: Int?
    public var learningRate: Double?
    public var schedule: Schedule?
    public var regularization: Regularization?
    public var earlyStopping: EarlyStoppingRequest?
    public var hidden: Int?
    public var activation: String?
    public var momentum: Double?
    public var nesterov: Bool?
    public var tolerance: Double?
    public var validationFraction: Double?
    public var testFraction: Double?
    public var preprocess: String?
    public var trainSize: Int?
    public var seed: UInt64?
    public var evalEvery: Int?

    public init() {}

    /// `{"type": "none" | "l2" | "l1" | "elastic_net", "lambda": ..., "l1_ratio": ..., "C": ...}`.
    /// scikit-learn's `C` maps to `lambda = 1 / (C * n)` with n the number of training rows.
    public struct Regularization: Codable, Sendable, Equatable {
        public var type: String
        public var lambda: Double?
        public var l1Ratio: Double?
        public var c: Double?

        public init(type: String, lambda: Double? = nil, l1Ratio: Double? = nil, c: Double? = nil) {
            self.type = type
            self.lambda = lambda
            self.l1Ratio = l1Ratio
            self.c = c
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case type, lambda
            case l1Ratio = "l1_ratio"
            case c = "C"
        }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            type = try container.decode(String.self, forKey: .type)
            lambda = try container.decodeIfPresent(Double.self, forKey: .lambda)
            l1Ratio = try container.decodeIfPresent(Double.self, forKey: .l1Ratio)
            c = try container.decodeIfPresent(Double.self, forKey: .c)
        }
    }

    /// `{"patience": 3, "restore_best": true, "min_delta": 0}`
    public struct EarlyStoppingRequest: Codable, Sendable, Equatable {
        public var patience: Int?
        public var restoreBest: Bool?
        public var minDelta: Double?

        public init(patience: Int? = nil, restoreBest: Bool? = nil, minDelta: Double? = nil) {
            self.patience = patience
            self.restoreBest = restoreBest
            self.minDelta = minDelta
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case patience
            case restoreBest = "restore_best"
            case minDelta = "min_delta"
        }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            patience = try container.decodeIfPresent(Int.self, forKey: .patience)
            restoreBest = try container.decodeIfPresent(Bool.self, forKey: .restoreBest)
            minDelta = try container.decodeIfPresent(Double.self, forKey: .minDelta)
        }
    }

    /// `{"type": "constant" | "inverse_time" | "step" | "exponential" | "line_search", ...}`
    public struct Schedule: Codable, Sendable, Equatable {
        public var type: String
        /// inverse_time: T in alpha0 / (1 + t/T), in steps.
        public var decaySteps: Double?
        /// step: decay every this many epochs.
        public var every: Int?
        /// step: multiply by this; exponential: multiply by this per epoch.
        public var factor: Double?

        public init(type: String, decaySteps: Double? = nil, every: Int? = nil, factor: Double? = nil) {
            self.type = type
            self.decaySteps = decaySteps
            self.every = every
            self.factor = factor
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case type, every, factor
            case decaySteps = "decay_steps"
        }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            type = try container.decode(String.self, forKey: .type)
            decaySteps = try container.decodeIfPresent(Double.self, forKey: .decaySteps)
            every = try container.decodeIfPresent(Int.self, forKey: .every)
            factor = try container.decodeIfPresent(Double.self, forKey: .factor)
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, dataset, task, model, optimizer, epochs, schedule, regularization, tolerance, seed, momentum, nesterov
        case preprocess, hidden, activation
        case testFraction = "test_fraction"
        case earlyStopping = "early_stopping"
        case batchSize = "batch_size"
        case learningRate = "learning_rate"
        case validationFraction = "validation_fraction"
        case trainSize = "train_size"
        case evalEvery = "eval_every"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decodeIfPresent(String.self, forKey: .name)
        dataset = try c.decodeIfPresent(String.self, forKey: .dataset)
        task = try c.decodeIfPresent(StrictTask.self, forKey: .task)?.task
        model = try c.decodeIfPresent(String.self, forKey: .model)
        optimizer = try c.decodeIfPresent(String.self, forKey: .optimizer)
        epochs = try c.decodeIfPresent(Int.self, forKey: .epochs)
        batchSize = try c.decodeIfPresent(Int.self, forKey: .batchSize)
        learningRate = try c.decodeIfPresent(Double.self, forKey: .learningRate)
        schedule = try c.decodeIfPresent(Schedule.self, forKey: .schedule)
        regularization = try c.decodeIfPresent(Regularization.self, forKey: .regularization)
        earlyStopping = try c.decodeIfPresent(EarlyStoppingRequest.self, forKey: .earlyStopping)
        momentum = try c.decodeIfPresent(Double.self, forKey: .momentum)
        hidden = try c.decodeIfPresent(Int.self, forKey: .hidden)
        activation = try c.decodeIfPresent(String.self, forKey: .activation)
        nesterov = try c.decodeIfPresent(Bool.self, forKey: .nesterov)
        tolerance = try c.decodeIfPresent(Double.self, forKey: .tolerance)
        validationFraction = try c.decodeIfPresent(Double.self, forKey: .validationFraction)
        testFraction = try c.decodeIfPresent(Double.self, forKey: .testFraction)
        preprocess = try c.decodeIfPresent(String.self, forKey: .preprocess)
        trainSize = try c.decodeIfPresent(Int.self, forKey: .trainSize)
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed)
        evalEvery = try c.decodeIfPresent(Int.self, forKey: .evalEvery)
    }
}

/// A task decoded with unknown fields rejected.
private struct StrictTask: Decodable {
    let task: ClassificationTask
    enum CodingKeys: String, CodingKey, CaseIterable { case type, positive, negative }
    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        task = try ClassificationTask(from: decoder)
    }
}
