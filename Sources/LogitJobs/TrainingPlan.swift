import Foundation
import LogitCore
import LogitData
import LogitStore

/// A problem with a request field, said so the user knows what to change.
public struct FieldProblem: Codable, Sendable, Equatable {
    public var field: String
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}

public struct ValidationError: Error, CustomStringConvertible {
    public var problems: [FieldProblem]
    public var description: String {
        problems.map { "\($0.field): \($0.message)" }.joined(separator: "; ")
    }
}

/// Limits on what one training request may ask for.
public struct TrainingLimits: Sendable {
    public var maxEpochs: Int
    /// Largest epochs x training rows.
    public var maxWork: Int
    public init(maxEpochs: Int = 1000, maxWork: Int = 100_000_000) {
        self.maxEpochs = maxEpochs
        self.maxWork = maxWork
    }
}

/// A training request with every default filled in and every value checked: what a job runs, and what the model
/// version records as its hyper-parameters.
public struct TrainingPlan: Codable, Sendable, Equatable {
    public var name: String
    public var dataset: String
    public var task: ClassificationTask
    public var model: ModelKind
    public var optimizer: OptimizerKind
    public var epochs: Int
    /// 0 = full batch.
    public var batchSize: Int
    public var learningRate: Double
    public var schedule: TrainRequest.Schedule
    /// Always with `lambda` set (resolved from `C` when given) and `l1_ratio` for elastic net.
    public var regularization: TrainRequest.Regularization
    public var earlyStopping: TrainRequest.EarlyStoppingRequest?
    /// Hidden units and activation of an MLP (nil for linear models).
    public var hidden: Int?
    public var activation: Activation?
    public var momentum: Double
    public var nesterov: Bool
    public var tolerance: Double
    public var validationFraction: Double
    /// Share held out for testing when the data set has no official test split.
    public var testFraction: Double
    public var trainSize: Int?
    public var seed: UInt64
    /// Steps between curve points; 0 = the optimiser's default (four per epoch for mini-batch optimisers, every 5
    /// iterations for full-batch ones).
    public var evalEvery: Int
    public var preprocess: PreprocessKind

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

    /// The options the trainer takes.
    public var trainingOptions: TrainingOptions {
        let scheduleValue: LearningRateSchedule = switch schedule.type {
        case "inverse_time": .inverseTime(decaySteps: schedule.decaySteps ?? 1000)
        case "step": .stepDecay(everyEpochs: schedule.every ?? 10, factor: schedule.factor ?? 0.5)
        case "exponential": .exponential(ratePerEpoch: schedule.factor ?? 0.9)
        default: .constant
        }
        let lambda = regularization.lambda ?? 0
        let penalty: Penalty = switch regularization.type {
        case "l2": .l2(lambda: lambda)
        case "l1": .l1(lambda: lambda)
        case "elastic_net": .elasticNet(lambda: lambda, l1Ratio: regularization.l1Ratio ?? 0.5)
        default: .none
        }
        return TrainingOptions(
            optimizer: optimizer, epochs: epochs, batchSize: batchSize, learningRate: learningRate,
            schedule: scheduleValue, penalty: penalty, momentum: momentum, nesterov: nesterov,
            lineSearch: schedule.type == "line_search",
            earlyStopping: earlyStopping.map {
                EarlyStopping(patience: $0.patience ?? 3, restoreBest: $0.restoreBest ?? true, minDelta: $0.minDelta ?? 0)
            },
            tolerance: tolerance, seed: seed, evalEvery: evalEvery)
    }

    public var splitOptions: SplitOptions {
        SplitOptions(validationFraction: validationFraction, testFraction: testFraction, trainSize: trainSize, seed: seed)
    }

    /// Fills in defaults and checks every field; `loadDataset` loads a data set the service has (listed in
    /// `datasetNames`), so the task, splits and scikit-learn's C can be checked against it.
    public static func resolve(_ request: TrainRequest, limits: TrainingLimits,
                               datasetNames: [String], loadDataset: (String) async throws -> Dataset) async throws
        -> TrainingPlan
    {
        var problems: [FieldProblem] = []
        func problem(_ field: String, _ message: String) { problems.append(FieldProblem(field: field, message: message)) }

        let dataset = request.dataset ?? "mnist"
        var loaded: Dataset?
        if datasetNames.contains(dataset) {
            loaded = try await loadDataset(dataset)
        } else {
            problem("dataset", "unknown data set '\(dataset)'; available: \(datasetNames.joined(separator: ", "))")
        }
        let classes = loaded?.classes ?? []
        let task = request.task ?? loaded?.defaultTask ?? .multiclass
        if !classes.isEmpty {
            for message in task.problems(datasetClasses: classes) { problem("task", message) }
        }

        let model: ModelKind
        switch request.model {
        case nil: model = task.type == .binary ? .logistic : .softmax
        case let name?:
            if let kind = ModelKind(rawValue: name) {
                model = kind
                if kind == .logistic && task.type != .binary {
                    problem("model", "'logistic' is a binary model: give a task {\"type\":\"binary\",\"positive\":[...]} or use 'softmax'")
                }
                if kind == .ovr && task.type != .multiclass {
                    problem("model", "'ovr' combines one binary model per class: use it with a multiclass task, or 'logistic' for a binary one")
                }
            } else {
                model = .softmax
                problem("model", "unknown model '\(name)'; available: \(ModelKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }

        // An MLP trains on mini-batches unless told otherwise: full-batch passes over a hidden layer are slow to converge.
        let batchSize = request.batchSize ?? (model == .mlp ? 128 : 0)
        var hidden: Int?
        var activation: Activation?
        if model == .mlp {
            hidden = request.hidden ?? 128
            if let units = hidden, !(1...4096).contains(units) { problem("hidden", "must be between 1 and 4096 units") }
            activation = .relu
            if let name = request.activation {
                activation = Activation(rawValue: name)
                if activation == nil { problem("activation", "unknown activation '\(name)'; available: relu, sigmoid") }
            }
        } else if request.hidden != nil || request.activation != nil {
            problem("hidden", "'hidden' and 'activation' apply to model 'mlp'")
        }
        if batchSize < 0 { problem("batch_size", "must be 0 (full batch) or a positive number of rows") }
        let optimizer: OptimizerKind
        switch request.optimizer {
        case nil:
            let smooth = !["l1", "elastic_net"].contains(request.regularization?.type ?? "l2")
            optimizer = batchSize > 0 ? (model == .mlp ? .adam : .sgd) : (smooth ? .lbfgs : .gd)
        case let name?:
            optimizer = OptimizerKind(rawValue: name) ?? .lbfgs
            if OptimizerKind(rawValue: name) == nil {
                problem("optimizer", "unknown optimizer '\(name)'; available: \(OptimizerKind.allCases.map(\.rawValue).joined(separator: ", "))")
            } else if optimizer.isStochastic && batchSize == 0 {
                problem("batch_size", "optimizer '\(name)' takes mini-batches: give a batch_size of at least 1")
            } else if !optimizer.isStochastic && batchSize > 0 {
                problem("batch_size", "optimizer '\(name)' uses the full batch: leave batch_size out or use 'sgd', 'momentum' or 'adam'")
            }
        }
        let momentum = request.momentum ?? 0.9
        if !(momentum >= 0 && momentum < 1) { problem("momentum", "must be in [0, 1)") }
        if (request.momentum != nil || request.nesterov != nil) && optimizer != .momentum && optimizer != .adam {
            problem("momentum", "'momentum' and 'nesterov' apply to the optimizers 'momentum' and 'adam'")
        }
        if request.nesterov == true && optimizer != .momentum {
            problem("nesterov", "Nesterov momentum applies to the optimizer 'momentum'")
        }

        let epochs = request.epochs ?? (model == .mlp ? 10 : optimizer == .lbfgs ? 100 : optimizer == .gd ? 200 : 5)
        if epochs < 1 || epochs > limits.maxEpochs {
            problem("epochs", "must be between 1 and \(limits.maxEpochs)")
        }
        let learningRate = request.learningRate ?? (optimizer == .adam ? 0.001 : optimizer.isStochastic ? 0.5 : 1.0)
        if !(learningRate > 0 && learningRate.isFinite) { problem("learning_rate", "must be a positive number") }

        let schedule = request.schedule ?? TrainRequest.Schedule(type: "constant")
        switch schedule.type {
        case "constant": break
        case "inverse_time":
            if let t = schedule.decaySteps, !(t > 0 && t.isFinite) { problem("schedule.decay_steps", "must be positive") }
        case "step":
            if let every = schedule.every, every < 1 { problem("schedule.every", "must be at least 1 epoch") }
            if let f = schedule.factor, !(f > 0 && f <= 1) { problem("schedule.factor", "must be in (0, 1]") }
        case "exponential":
            if let f = schedule.factor, !(f > 0 && f <= 1) { problem("schedule.factor", "must be in (0, 1]") }
        case "line_search":
            if optimizer != .gd {
                problem("schedule.type", "'line_search' is for full-batch gradient descent (optimizer 'gd'); L-BFGS always searches")
            }
        default:
            problem("schedule.type", "unknown schedule '\(schedule.type)'; available: constant, inverse_time, step, exponential, line_search")
        }

        /// n in scikit-learn's lambda = 1 / (C n): the rows the model will actually train on.
        func trainingRowCount() -> Int {
            let fractions = [request.validationFraction ?? 0.1, request.testFraction ?? 0.2]
            guard let loaded, task.problems(datasetClasses: classes).isEmpty,
                  fractions.allSatisfy({ $0 >= 0 && $0 <= 0.5 }), (request.trainSize ?? 1) >= 1
            else { return 1 }
            let options = SplitOptions(
                validationFraction: request.validationFraction ?? 0.1, testFraction: request.testFraction ?? 0.2,
                trainSize: request.trainSize, seed: request.seed ?? 42)
            return loaded.splits(task: task, options: options).train.count
        }
        let regularization = request.regularization ?? TrainRequest.Regularization(type: "l2", lambda: 1e-4)
        var lambda = regularization.lambda ?? 1e-4
        switch regularization.type {
        case "none":
            lambda = 0
            if regularization.lambda != nil || regularization.c != nil {
                problem("regularization", "type 'none' takes no 'lambda' or 'C'")
            }
        case "l2", "l1", "elastic_net":
            if regularization.lambda != nil && regularization.c != nil {
                problem("regularization", "give 'lambda' or scikit-learn's 'C', not both")
            }
            if let c = regularization.c {
                if c > 0 && c.isFinite {
                    // scikit-learn minimises C * sum(loss) + penalty; dividing by C * n gives our mean-loss form.
                    lambda = 1 / (c * Double(max(trainingRowCount(), 1)))
                    if !lambda.isFinite { problem("regularization.C", "is too small: 1 / (C * rows) is not a finite number") }
                } else {
                    problem("regularization.C", "must be a positive number")
                }
            } else if !(lambda >= 0 && lambda.isFinite) {
                problem("regularization.lambda", "must be a number >= 0")
            }
            if regularization.type != "elastic_net" && regularization.l1Ratio != nil {
                problem("regularization.l1_ratio", "only 'elastic_net' takes an l1_ratio")
            }
            if let ratio = regularization.l1Ratio, !(ratio >= 0 && ratio <= 1) {
                problem("regularization.l1_ratio", "must be between 0 and 1")
            }
            if model == .ridge && regularization.type != "l2" {
                problem("regularization.type", "ridge is solved in closed form with an L2 penalty: use 'l2' or 'none'")
            }
            if regularization.type != "l2" && optimizer == .lbfgs && model != .ridge {
                problem("optimizer", "L-BFGS needs a smooth objective: use 'gd', 'sgd', 'momentum' or 'adam' with '\(regularization.type)'")
            }
        default:
            problem("regularization.type", "unknown regularization '\(regularization.type)'; available: none, l2, l1, elastic_net")
        }
        let resolvedRegularization = TrainRequest.Regularization(
            type: regularization.type, lambda: lambda,
            l1Ratio: regularization.type == "elastic_net" ? (regularization.l1Ratio ?? 0.5) : nil)

        var earlyStopping = request.earlyStopping
        if let rule = earlyStopping {
            let patience = rule.patience ?? 3
            if patience < 1 { problem("early_stopping.patience", "must be at least 1 evaluation") }
            if let delta = rule.minDelta, !(delta >= 0 && delta.isFinite) {
                problem("early_stopping.min_delta", "must be a number >= 0")
            }
            if (request.validationFraction ?? 0.1) == 0 {
                problem("early_stopping", "needs a validation split: validation_fraction must be above 0")
            }
            earlyStopping = TrainRequest.EarlyStoppingRequest(
                patience: patience, restoreBest: rule.restoreBest ?? true, minDelta: rule.minDelta ?? 0)
        }

        // Only L-BFGS stops on a small relative change by default: gradient descent makes small steady progress that
        // such a test would mistake for convergence. 1e-4 (scikit-learn's default tol, though its test is on the
        // gradient): a tighter one adds iterations that no longer change test accuracy (docs/benchmarks.md).
        let tolerance = request.tolerance ?? (optimizer == .lbfgs ? 1e-4 : 0)
        if !(tolerance >= 0 && tolerance.isFinite) { problem("tolerance", "must be a number >= 0") }
        let validationFraction = request.validationFraction ?? 0.1
        if !(validationFraction >= 0 && validationFraction <= 0.5) {
            problem("validation_fraction", "must be between 0 and 0.5")
        }
        let testFraction = request.testFraction ?? 0.2
        if !(testFraction >= 0 && testFraction <= 0.5) { problem("test_fraction", "must be between 0 and 0.5") }
        if request.testFraction != nil, loaded?.test != nil {
            problem("test_fraction", "'\(dataset)' has an official test split; test_fraction is for data sets without one")
        }
        if let trainSize = request.trainSize, trainSize < 1 { problem("train_size", "must be at least 1 row") }
        var preprocess = loaded?.defaultPreprocess ?? .unit
        if let name = request.preprocess {
            if let kind = PreprocessKind(rawValue: name) {
                preprocess = kind
            } else {
                problem("preprocess", "unknown preprocessing '\(name)'; available: unit, standardize, none")
            }
        }
        let evalEvery = request.evalEvery ?? 0
        if evalEvery < 0 { problem("eval_every", "must be 0 (automatic) or a positive number of steps") }

        if problems.isEmpty, epochs * trainingRowCount() > limits.maxWork {
            problem("epochs", "\(epochs) epochs over \(trainingRowCount()) rows is more work than this service allows (\(limits.maxWork) row passes): lower epochs or train_size")
        }
        let name = request.name ?? defaultName(dataset: dataset, task: task)
        if !ModelName.isValid(name) { problem("name", "must be 1-64 characters of A-Z a-z 0-9 . _ -") }

        guard problems.isEmpty else { throw ValidationError(problems: problems) }
        return TrainingPlan(
            name: name, dataset: dataset, task: task, model: model, optimizer: optimizer, epochs: epochs,
            batchSize: batchSize, learningRate: learningRate, schedule: schedule,
            regularization: resolvedRegularization, earlyStopping: earlyStopping, hidden: hidden, activation: activation,
            momentum: momentum,
            nesterov: request.nesterov ?? false, tolerance: tolerance, validationFraction: validationFraction,
            testFraction: testFraction, trainSize: request.trainSize, seed: request.seed ?? 42, evalEvery: evalEvery,
            preprocess: preprocess)
    }

    /// "mnist" for a multiclass model, "mnist-2-vs-3" or "mnist-2-vs-rest" for binary ones.
    static func defaultName(dataset: String, task: ClassificationTask) -> String {
        guard task.type == .binary else { return dataset }
        func group(_ labels: [Int]) -> String { labels.sorted().map(String.init).joined(separator: "_") }
        return "\(dataset)-\(group(task.positive ?? []))-vs-\(task.negative.map(group) ?? "rest")"
    }
}
