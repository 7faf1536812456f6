import LogitCore
import LogitData

/// The body of `POST /train`, as sent: every field optional, unknown fields rejected, and every choice (model,
/// optimiser, schedule, regularisation, task, ...) decoded into its type here, at the edge. Names that are not a
/// known choice are all reported together (`ValidationError`); values are checked by `TrainingPlan.resolve`.
public struct TrainRequest: Decodable, Sendable, Equatable {
    public var name: String?
    public var dataset: String?
    public var task: ClassificationTask?
    public var model: ModelKind?
    public var optimizer: OptimizerKind?
    public var epochs: Int?
    public var batchSize: Int?
    public var learningRate: Double?
    public var schedule: ScheduleRequest?
    public var regularization: RegularizationRequest?
    public var earlyStopping: EarlyStoppingRequest?
    public var hidden: Int?
    public var activation: Activation?
    public var momentum: Double?
    public var nesterov: Bool?
    public var tolerance: Double?
    public var gradientTolerance: Double?
    public var validationFraction: Double?
    public var testFraction: Double?
    public var preprocess: PreprocessKind?
    public var trainSize: Int?
    public var seed: UInt64?
    public var evalEvery: Int?

    public init() {}

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
        case gradientTolerance = "gradient_tolerance"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        var problems: [FieldProblem] = []
        /// A field whose decoding may find problems of its own; they are gathered rather than thrown one by one.
        func gathering<Value>(_ decode: () throws -> Value?) throws -> Value? {
            do { return try decode() } catch let error as ValidationError {
                problems += error.problems
                return nil
            }
        }
        /// One of a fixed set of names.
        func choice<Value: RawRepresentable<String> & CaseIterable>(_: Value.Type, _ key: CodingKeys, noun: String)
            throws -> Value?
        {
            guard let name = try c.decodeIfPresent(String.self, forKey: key) else { return nil }
            if let value = Value(rawValue: name) { return value }
            let available = Value.allCases.map(\.rawValue).joined(separator: ", ")
            problems.append(FieldProblem(field: key.stringValue, message: "unknown \(noun) '\(name)'; available: \(available)"))
            return nil
        }
        name = try c.decodeIfPresent(String.self, forKey: .name)
        dataset = try c.decodeIfPresent(String.self, forKey: .dataset)
        task = try c.decodeIfPresent(StrictTask.self, forKey: .task)?.task
        model = try choice(ModelKind.self, .model, noun: "model")
        optimizer = try choice(OptimizerKind.self, .optimizer, noun: "optimizer")
        activation = try choice(Activation.self, .activation, noun: "activation")
        preprocess = try choice(PreprocessKind.self, .preprocess, noun: "preprocessing")
        schedule = try gathering { try c.decodeIfPresent(ScheduleRequest.self, forKey: .schedule) }
        regularization = try gathering { try c.decodeIfPresent(RegularizationRequest.self, forKey: .regularization) }
        earlyStopping = try c.decodeIfPresent(EarlyStoppingRequest.self, forKey: .earlyStopping)
        epochs = try c.decodeIfPresent(Int.self, forKey: .epochs)
        batchSize = try c.decodeIfPresent(Int.self, forKey: .batchSize)
        learningRate = try c.decodeIfPresent(Double.self, forKey: .learningRate)
        momentum = try c.decodeIfPresent(Double.self, forKey: .momentum)
        hidden = try c.decodeIfPresent(Int.self, forKey: .hidden)
        nesterov = try c.decodeIfPresent(Bool.self, forKey: .nesterov)
        tolerance = try c.decodeIfPresent(Double.self, forKey: .tolerance)
        gradientTolerance = try c.decodeIfPresent(Double.self, forKey: .gradientTolerance)
        validationFraction = try c.decodeIfPresent(Double.self, forKey: .validationFraction)
        testFraction = try c.decodeIfPresent(Double.self, forKey: .testFraction)
        trainSize = try c.decodeIfPresent(Int.self, forKey: .trainSize)
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed)
        evalEvery = try c.decodeIfPresent(Int.self, forKey: .evalEvery)
        if !problems.isEmpty { throw ValidationError(problems: problems) }
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
