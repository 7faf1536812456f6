import LogitCore
import LogitData
import LogitStore

extension TrainingPlan {
    /// Fills in defaults (`TrainingDefaults`) and checks every value; `loadDataset` loads a data set the service has
    /// (listed in `datasetNames`), so the task, the splits and scikit-learn's C can be checked against it. Every
    /// problem found is reported at once.
    public static func resolve(_ request: TrainRequest, limits: TrainingLimits,
                               datasetNames: [String], loadDataset: (String) async throws -> Dataset) async throws
        -> TrainingPlan
    {
        let datasetName = request.dataset ?? TrainingDefaults.dataset
        var resolver = PlanResolver(request: request, limits: limits)
        if datasetNames.contains(datasetName) {
            resolver.dataset = try await loadDataset(datasetName)
        } else {
            resolver.problem("dataset", "unknown data set '\(datasetName)'; available: \(datasetNames.joined(separator: ", "))")
        }
        return try resolver.plan(datasetName: datasetName)
    }

    /// "mnist" for a multiclass model, "mnist-2-vs-3" or "mnist-2-vs-rest" for binary ones.
    static func defaultName(dataset: String, task: ClassificationTask) -> String {
        guard task.type == .binary else { return dataset }
        func group(_ labels: [Int]) -> String { labels.sorted().map(String.init).joined(separator: "_") }
        return "\(dataset)-\(group(task.positive ?? []))-vs-\(task.negative.map(group) ?? "rest")"
    }
}

/// The steps of `TrainingPlan.resolve`, one small resolver per group of fields, sharing the problems found.
private struct PlanResolver {
    let request: TrainRequest
    let limits: TrainingLimits
    var dataset: Dataset?
    private(set) var problems: [FieldProblem] = []
    private var trainingRowCount: Int?

    init(request: TrainRequest, limits: TrainingLimits) {
        self.request = request
        self.limits = limits
    }

    mutating func problem(_ field: String, _ message: String) {
        problems.append(FieldProblem(field: field, message: message))
    }

    mutating func plan(datasetName: String) throws -> TrainingPlan {
        let task = resolveTask()
        let (model, hidden, activation) = resolveModel(task: task)
        let (optimizer, batchSize) = resolveOptimizer(model: model)
        let (momentum, nesterov) = resolveMomentum(optimizer: optimizer)
        let epochs = request.epochs ?? (model == .mlp ? TrainingDefaults.mlpEpochs : TrainingDefaults.epochs(optimizer))
        if epochs < 1 || epochs > limits.maxEpochs { problem("epochs", "must be between 1 and \(limits.maxEpochs)") }
        let learningRate = request.learningRate ?? TrainingDefaults.learningRate(optimizer)
        if !(learningRate > 0 && learningRate.isFinite) { problem("learning_rate", "must be a positive number") }
        let schedule = resolveSchedule(optimizer: optimizer)
        let splitOptions = resolveSplits()
        let regularization = resolveRegularization(model: model, optimizer: optimizer, task: task, splitOptions: splitOptions)
        let earlyStopping = resolveEarlyStopping(validationFraction: splitOptions.validationFraction)
        let stopping = TrainingDefaults.stopping(optimizer, work: passWork(task: task, model: model, hidden: hidden,
                                                                           options: splitOptions))
        let tolerance = request.tolerance ?? stopping.tolerance
        if !(tolerance >= 0 && tolerance.isFinite) { problem("tolerance", "must be a number >= 0") }
        let gradientTolerance = request.gradientTolerance ?? stopping.gradientTolerance
        if !(gradientTolerance >= 0 && gradientTolerance.isFinite) {
            problem("gradient_tolerance", "must be a number >= 0")
        }
        let preprocess = request.preprocess ?? dataset?.defaultPreprocess ?? .unit
        let evalEvery = request.evalEvery ?? TrainingDefaults.evalEvery
        if evalEvery < 0 { problem("eval_every", "must be 0 (automatic) or a positive number of steps") }
        if problems.isEmpty, case let trainingRows = trainingRows(task: task, options: splitOptions),
           epochs * trainingRows > limits.maxWork
        {
            problem("epochs", "\(epochs) epochs over \(trainingRows) rows is more work than this service allows (\(limits.maxWork) row passes): lower epochs or train_size")
        }
        let name = request.name ?? TrainingPlan.defaultName(dataset: datasetName, task: task)
        if !ModelName.isValid(name) { problem("name", "must be 1-64 characters of A-Z a-z 0-9 . _ -") }

        guard problems.isEmpty else { throw ValidationError(problems: problems) }
        // A batch larger than the training rows is one full pass per step: clipped to the rows, as scikit-learn
        // does, and the plan records the size that runs.
        let clippedBatchSize = batchSize > 0 ? min(batchSize, trainingRows(task: task, options: splitOptions)) : 0
        return TrainingPlan(
            name: name, dataset: datasetName, task: task, model: model, optimizer: optimizer, epochs: epochs,
            batchSize: clippedBatchSize, learningRate: learningRate, schedule: schedule, regularization: regularization,
            earlyStopping: earlyStopping, hidden: hidden, activation: activation, momentum: momentum,
            nesterov: nesterov, tolerance: tolerance, gradientTolerance: gradientTolerance,
            validationFraction: splitOptions.validationFraction,
            testFraction: splitOptions.testFraction, trainSize: request.trainSize, seed: splitOptions.seed,
            evalEvery: evalEvery, preprocess: preprocess)
    }

    private mutating func resolveTask() -> ClassificationTask {
        let task = request.task ?? dataset?.defaultTask ?? .multiclass
        if let classes = dataset?.classes, !classes.isEmpty {
            for message in task.problems(datasetClasses: classes) { problem("task", message) }
        }
        return task
    }

    private mutating func resolveModel(task: ClassificationTask) -> (ModelKind, hidden: Int?, Activation?) {
        let model = request.model
            ?? (task.type == .binary ? TrainingDefaults.binaryModel : TrainingDefaults.multiclassModel)
        if model == .logistic && task.type != .binary {
            problem("model", "'logistic' is a binary model: give a task {\"type\":\"binary\",\"positive\":[...]} or use 'softmax'")
        }
        if model == .ovr && task.type != .multiclass {
            problem("model", "'ovr' combines one binary model per class: use it with a multiclass task, or 'logistic' for a binary one")
        }
        guard model == .mlp else {
            if request.hidden != nil || request.activation != nil {
                problem("hidden", "'hidden' and 'activation' apply to model 'mlp'")
            }
            return (model, nil, nil)
        }
        let hidden = request.hidden ?? TrainingDefaults.hiddenUnits
        if !(1...4096).contains(hidden) { problem("hidden", "must be between 1 and 4096 units") }
        return (model, hidden, request.activation ?? TrainingDefaults.activation)
    }

    private mutating func resolveOptimizer(model: ModelKind) -> (OptimizerKind, batchSize: Int) {
        let batchSize = request.batchSize ?? (model == .mlp ? TrainingDefaults.mlpBatchSize : TrainingDefaults.batchSize)
        if batchSize < 0 { problem("batch_size", "must be 0 (full batch) or a positive number of rows") }
        guard let optimizer = request.optimizer else {
            if batchSize > 0 {
                return (model == .mlp ? TrainingDefaults.mlpOptimizer : TrainingDefaults.miniBatchOptimizer, batchSize)
            }
            let nonSmooth = request.regularization?.isNonSmooth ?? false
            return (nonSmooth ? TrainingDefaults.nonSmoothFullBatchOptimizer : TrainingDefaults.fullBatchOptimizer,
                    batchSize)
        }
        if optimizer.isStochastic && batchSize == 0 {
            problem("batch_size", "optimizer '\(optimizer.rawValue)' takes mini-batches: give a batch_size of at least 1")
        } else if !optimizer.isStochastic && batchSize > 0 {
            problem("batch_size", "optimizer '\(optimizer.rawValue)' uses the full batch: leave batch_size out or use 'sgd', 'momentum' or 'adam'")
        }
        return (optimizer, batchSize)
    }

    private mutating func resolveMomentum(optimizer: OptimizerKind) -> (Double, nesterov: Bool) {
        let momentum = request.momentum ?? TrainingDefaults.momentum
        if !(momentum >= 0 && momentum < 1) { problem("momentum", "must be in [0, 1)") }
        if (request.momentum != nil || request.nesterov != nil) && optimizer != .momentum && optimizer != .adam {
            problem("momentum", "'momentum' and 'nesterov' apply to the optimizers 'momentum' and 'adam'")
        }
        if request.nesterov == true && optimizer != .momentum {
            problem("nesterov", "Nesterov momentum applies to the optimizer 'momentum'")
        }
        return (momentum, request.nesterov ?? TrainingDefaults.nesterov)
    }

    private mutating func resolveSchedule(optimizer: OptimizerKind) -> TrainingSchedule {
        func checkFactor(_ factor: Double) {
            if !(factor > 0 && factor <= 1) { problem("schedule.factor", "must be in (0, 1]") }
        }
        switch request.schedule ?? TrainingDefaults.schedule {
        case .constant:
            return .constant
        case .inverseTime(let decaySteps):
            let decaySteps = decaySteps ?? TrainingDefaults.inverseTimeDecaySteps
            if !(decaySteps > 0 && decaySteps.isFinite) { problem("schedule.decay_steps", "must be positive") }
            return .inverseTime(decaySteps: decaySteps)
        case .step(let every, let factor):
            let every = every ?? TrainingDefaults.stepEvery
            let factor = factor ?? TrainingDefaults.stepFactor
            if every < 1 { problem("schedule.every", "must be at least 1 epoch") }
            checkFactor(factor)
            return .step(every: every, factor: factor)
        case .exponential(let factor):
            let factor = factor ?? TrainingDefaults.exponentialFactor
            checkFactor(factor)
            return .exponential(factor: factor)
        case .lineSearch:
            if optimizer != .gd {
                problem("schedule.type", "'line_search' is for full-batch gradient descent (optimizer 'gd'); L-BFGS always searches")
            }
            return .lineSearch
        }
    }

    /// The split settings, checked.
    private mutating func resolveSplits() -> SplitOptions {
        let options = SplitOptions(
            validationFraction: request.validationFraction ?? TrainingDefaults.validationFraction,
            testFraction: request.testFraction ?? TrainingDefaults.testFraction,
            trainSize: request.trainSize, seed: request.seed ?? TrainingDefaults.seed)
        if !(0...0.5).contains(options.validationFraction) {
            problem("validation_fraction", "must be between 0 and 0.5")
        }
        if !(0...0.5).contains(options.testFraction) { problem("test_fraction", "must be between 0 and 0.5") }
        if request.testFraction != nil, let dataset, dataset.test != nil {
            problem("test_fraction", "'\(dataset.name)' has an official test split; test_fraction is for data sets without one")
        }
        if let trainSize = request.trainSize, trainSize < 1 { problem("train_size", "must be at least 1 row") }
        return options
    }

    /// The rows the model will train on (n in scikit-learn's lambda = 1 / (C n), and the work limit): the splits are
    /// made once, on first need, and only from settings that passed their checks (else 1).
    /// Multiply-adds of one pass over the training rows: what makes a fit small for the stopping defaults.
    private mutating func passWork(task: ClassificationTask, model: ModelKind, hidden: Int?, options: SplitOptions) -> Int {
        guard let dataset else { return Int.max }
        let features = dataset.featureCount
        let classes = task.type == .binary ? 2 : max(dataset.classes.count, 2)
        let parameters = switch model {
        case .logistic: features + 1
        case .mlp: (features + 1) * (hidden ?? TrainingDefaults.hiddenUnits) + ((hidden ?? TrainingDefaults.hiddenUnits) + 1) * classes
        case .softmax, .ovr, .ridge: (features + 1) * classes
        }
        let (product, overflow) = trainingRows(task: task, options: options).multipliedReportingOverflow(by: parameters)
        return overflow ? Int.max : product
    }

    private mutating func trainingRows(task: ClassificationTask, options: SplitOptions) -> Int {
        if let trainingRowCount { return trainingRowCount }
        let splitFields: Set<String> = ["task", "validation_fraction", "test_fraction", "train_size"]
        var count = 1
        if let dataset, !problems.contains(where: { splitFields.contains($0.field) }) {
            count = dataset.splits(task: task, options: options).train.count
        }
        trainingRowCount = count
        return count
    }

    private mutating func resolveRegularization(model: ModelKind, optimizer: OptimizerKind, task: ClassificationTask,
                                                splitOptions: SplitOptions) -> Penalty
    {
        let requested = request.regularization ?? TrainingDefaults.regularization
        /// lambda from the request's strength: scikit-learn minimises C * sum(loss) + penalty, so dividing by C * n
        /// gives this mean-loss form, lambda = 1 / (C n).
        func lambda(_ strength: RegularizationRequest.PenaltyStrength) -> Double {
            switch strength {
            case .byDefault: return TrainingDefaults.lambda
            case .lambda(let lambda):
                if !(lambda >= 0 && lambda.isFinite) { problem("regularization.lambda", "must be a number >= 0") }
                return lambda
            case .c(let c):
                guard c > 0 && c.isFinite else {
                    problem("regularization.C", "must be a positive number")
                    return TrainingDefaults.lambda
                }
                let lambda = 1 / (c * Double(max(trainingRows(task: task, options: splitOptions), 1)))
                if !lambda.isFinite { problem("regularization.C", "is too small: 1 / (C * rows) is not a finite number") }
                return lambda
            }
        }
        let penalty: Penalty
        switch requested {
        case .none: return .none
        case .l2(let strength): penalty = .l2(lambda: lambda(strength))
        case .l1(let strength): penalty = .l1(lambda: lambda(strength))
        case .elasticNet(let strength, let ratio):
            let ratio = ratio ?? TrainingDefaults.l1Ratio
            if !(0...1).contains(ratio) { problem("regularization.l1_ratio", "must be between 0 and 1") }
            penalty = .elasticNet(lambda: lambda(strength), l1Ratio: ratio)
        }
        if model == .ridge && requested.isNonSmooth {
            problem("regularization.type", "ridge is solved in closed form with an L2 penalty: use 'l2' or 'none'")
        }
        if requested.isNonSmooth && optimizer == .lbfgs && model != .ridge {
            problem("optimizer", "L-BFGS needs a smooth objective: use 'gd', 'sgd', 'momentum' or 'adam' with '\(requested.typeName)'")
        }
        return penalty
    }

    private mutating func resolveEarlyStopping(validationFraction: Double) -> EarlyStopping? {
        guard let rule = request.earlyStopping else { return nil }
        let defaults = TrainingDefaults.earlyStopping
        let resolved = EarlyStopping(patience: rule.patience ?? defaults.patience,
                                     restoreBest: rule.restoreBest ?? defaults.restoreBest,
                                     minDelta: rule.minDelta ?? defaults.minDelta)
        if resolved.patience < 1 { problem("early_stopping.patience", "must be at least 1 evaluation") }
        if !(resolved.minDelta >= 0 && resolved.minDelta.isFinite) {
            problem("early_stopping.min_delta", "must be a number >= 0")
        }
        if validationFraction == 0 {
            problem("early_stopping", "needs a validation split: validation_fraction must be above 0")
        }
        return resolved
    }
}
