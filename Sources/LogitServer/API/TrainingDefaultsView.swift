import LogitCore
import LogitJobs

/// `GET /train/defaults`: every default of `POST /train` (`TrainingDefaults`), with the choices they depend on, so
/// the page and the README need not keep copies. The data set's own defaults (task, preprocessing) are in
/// `GET /datasets`.
struct TrainingDefaultsView: Encodable {
    struct Models: Encodable {
        var multiclass = TrainingDefaults.multiclassModel
        var binary = TrainingDefaults.binaryModel
    }

    struct Optimizers: Encodable {
        var fullBatch = TrainingDefaults.fullBatchOptimizer
        /// With an `l1` or `elastic_net` penalty, which L-BFGS cannot minimise.
        var fullBatchNonSmooth = TrainingDefaults.nonSmoothFullBatchOptimizer
        var miniBatch = TrainingDefaults.miniBatchOptimizer
        var mlp = TrainingDefaults.mlpOptimizer
        enum CodingKeys: String, CodingKey {
            case mlp
            case fullBatch = "full_batch"
            case fullBatchNonSmooth = "full_batch_non_smooth"
            case miniBatch = "mini_batch"
        }
    }

    struct BatchSizes: Encodable {
        var linear = TrainingDefaults.batchSize
        var mlp = TrainingDefaults.mlpBatchSize
    }

    struct Schedule: Encodable {
        var type = "constant"
        var decaySteps = TrainingDefaults.inverseTimeDecaySteps
        var every = TrainingDefaults.stepEvery
        var stepFactor = TrainingDefaults.stepFactor
        var exponentialFactor = TrainingDefaults.exponentialFactor
        enum CodingKeys: String, CodingKey {
            case type, every
            case decaySteps = "decay_steps"
            case stepFactor = "step_factor"
            case exponentialFactor = "exponential_factor"
        }
    }

    struct Regularization: Encodable {
        var type = TrainingDefaults.regularization.typeName
        var lambda = TrainingDefaults.lambda
        var l1Ratio = TrainingDefaults.l1Ratio
        enum CodingKeys: String, CodingKey {
            case type, lambda
            case l1Ratio = "l1_ratio"
        }
    }

    struct EarlyStoppingDefaults: Encodable {
        var patience = TrainingDefaults.earlyStopping.patience
        var restoreBest = TrainingDefaults.earlyStopping.restoreBest
        var minDelta = TrainingDefaults.earlyStopping.minDelta
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

    var dataset = TrainingDefaults.dataset
    var model = Models()
    var optimizer = Optimizers()
    var batchSize = BatchSizes()
    /// By optimiser; an MLP's is `mlp_epochs`.
    var epochs = byOptimizer(TrainingDefaults.epochs)
    var mlpEpochs = TrainingDefaults.mlpEpochs
    var learningRate = byOptimizer(TrainingDefaults.learningRate)
    var tolerance = byOptimizer(TrainingDefaults.tolerance)
    var hidden = TrainingDefaults.hiddenUnits
    var activation = TrainingDefaults.activation
    var momentum = TrainingDefaults.momentum
    var nesterov = TrainingDefaults.nesterov
    var schedule = Schedule()
    var regularization = Regularization()
    var earlyStopping = EarlyStoppingDefaults()
    var validationFraction = TrainingDefaults.validationFraction
    var testFraction = TrainingDefaults.testFraction
    var seed = TrainingDefaults.seed
    var evalEvery = TrainingDefaults.evalEvery

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
    }
}
