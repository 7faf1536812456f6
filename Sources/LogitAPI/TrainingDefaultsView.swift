import Foundation
import LogitCore
import LogitJobs
import LogitServing
import LogitStore

/// `GET /train/defaults`: every default of `POST /train` (`TrainingDefaults`), with the choices they depend on, so
/// the page and the README need not keep copies. The data set's own defaults (task, preprocessing) are in
/// `GET /datasets`.
public struct TrainingDefaultsView: Codable, Sendable {
    public struct Models: Codable, Sendable {
        public var multiclass = TrainingDefaults.multiclassModel
        public var binary = TrainingDefaults.binaryModel
    }

    public struct Optimizers: Codable, Sendable {
        public var fullBatch = TrainingDefaults.fullBatchOptimizer
        /// With an `l1` or `elastic_net` penalty, which L-BFGS cannot minimise.
        public var fullBatchNonSmooth = TrainingDefaults.nonSmoothFullBatchOptimizer
        public var miniBatch = TrainingDefaults.miniBatchOptimizer
        public var mlp = TrainingDefaults.mlpOptimizer
        enum CodingKeys: String, CodingKey {
            case mlp
            case fullBatch = "full_batch"
            case fullBatchNonSmooth = "full_batch_non_smooth"
            case miniBatch = "mini_batch"
        }
    }

    public struct BatchSizes: Codable, Sendable {
        public var linear = TrainingDefaults.batchSize
        public var mlp = TrainingDefaults.mlpBatchSize
    }

    public struct Schedule: Codable, Sendable {
        public var type = "constant"
        public var decaySteps = TrainingDefaults.inverseTimeDecaySteps
        public var every = TrainingDefaults.stepEvery
        public var stepFactor = TrainingDefaults.stepFactor
        public var exponentialFactor = TrainingDefaults.exponentialFactor
        enum CodingKeys: String, CodingKey {
            case type, every
            case decaySteps = "decay_steps"
            case stepFactor = "step_factor"
            case exponentialFactor = "exponential_factor"
        }
    }

    public struct Regularization: Codable, Sendable {
        public var type = TrainingDefaults.regularization.typeName
        public var lambda = TrainingDefaults.lambda
        public var l1Ratio = TrainingDefaults.l1Ratio
        enum CodingKeys: String, CodingKey {
            case type, lambda
            case l1Ratio = "l1_ratio"
        }
    }

    public struct EarlyStoppingDefaults: Codable, Sendable {
        public var patience = TrainingDefaults.earlyStopping.patience
        public var restoreBest = TrainingDefaults.earlyStopping.restoreBest
        public var minDelta = TrainingDefaults.earlyStopping.minDelta
        enum CodingKeys: String, CodingKey {
            case patience
            case restoreBest = "restore_best"
            case minDelta = "min_delta"
        }
    }

    /// A value for each optimiser, by name.
    static func byOptimizer<Value>(_ value: (OptimizerKind) -> Value) -> [String: Value] {
        Dictionary(uniqueKeysWithValues: OptimizerKind.allCases.map { ($0.rawValue, value($0)) })
    }

    public var dataset = TrainingDefaults.dataset
    public var model = Models()
    public var optimizer = Optimizers()
    public var batchSize = BatchSizes()
    /// By optimiser; an MLP's is `mlp_epochs`.
    public var epochs = byOptimizer(TrainingDefaults.epochs)
    public var mlpEpochs = TrainingDefaults.mlpEpochs
    public var learningRate = byOptimizer(TrainingDefaults.learningRate)
    public var tolerance = byOptimizer(TrainingDefaults.tolerance)
    public var gradientTolerance = byOptimizer(TrainingDefaults.gradientTolerance)
    public var smallFit = SmallFit()
    public var hidden = TrainingDefaults.hiddenUnits
    public var activation = TrainingDefaults.activation
    public var momentum = TrainingDefaults.momentum
    public var nesterov = TrainingDefaults.nesterov
    public var schedule = Schedule()
    public var regularization = Regularization()
    public var earlyStopping = EarlyStoppingDefaults()
    public var validationFraction = TrainingDefaults.validationFraction
    public var testFraction = TrainingDefaults.testFraction
    public var seed = TrainingDefaults.seed
    public var evalEvery = TrainingDefaults.evalEvery

    public init() {}

    enum CodingKeys: String, CodingKey {
        case dataset, model, optimizer, epochs, tolerance, hidden, activation, momentum, nesterov, schedule
        case regularization, seed
        case batchSize = "batch_size"
        case mlpEpochs = "mlp_epochs"
        case learningRate = "learning_rate"
        case earlyStopping = "early_stopping"
        case validationFraction = "validation_fraction"
        case testFraction = "test_fraction"
        case evalEvery = "eval_every"
        case gradientTolerance = "gradient_tolerance"
        case smallFit = "small_fit"
    }

    /// The L-BFGS stopping defaults of a fit of at most `maxWork` multiply-adds per pass.
    public struct SmallFit: Codable, Sendable {
        public var maxWork = TrainingDefaults.SmallFit.maxWork
        public var tolerance = TrainingDefaults.SmallFit.tolerance
        public var gradientTolerance = TrainingDefaults.SmallFit.gradientTolerance
        enum CodingKeys: String, CodingKey {
            case tolerance
            case maxWork = "max_work"
            case gradientTolerance = "gradient_tolerance"
        }
    }
}
