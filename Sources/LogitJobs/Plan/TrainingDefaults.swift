import LogitCore

/// Every default of a training request, declared once: the resolvers fill requests from it, and
/// `GET /train/defaults` serves it so the page and the README need not copy it.
public enum TrainingDefaults {
    public static let dataset = "mnist"
    public static let multiclassModel = ModelKind.softmax
    public static let binaryModel = ModelKind.logistic

    /// Full batch (`batch_size` 0) unless the model is an MLP: full-batch passes over a hidden layer converge slowly.
    public static let batchSize = 0
    public static let mlpBatchSize = 128
    public static let hiddenUnits = 128
    public static let activation = Activation.relu

    /// The optimiser when the request names none.
    public static let fullBatchOptimizer = OptimizerKind.lbfgs
    /// L-BFGS needs a smooth objective: L1 and elastic net take proximal gradient descent.
    public static let nonSmoothFullBatchOptimizer = OptimizerKind.gd
    public static let miniBatchOptimizer = OptimizerKind.sgd
    public static let mlpOptimizer = OptimizerKind.adam

    public static let mlpEpochs = 10
    public static func epochs(_ optimizer: OptimizerKind) -> Int {
        switch optimizer {
        case .lbfgs: 100
        case .gd: 200
        case .sgd, .momentum, .adam: 5
        }
    }

    public static func learningRate(_ optimizer: OptimizerKind) -> Double {
        switch optimizer {
        case .gd, .lbfgs: 1.0
        case .sgd, .momentum: 0.5
        case .adam: 0.001
        }
    }

    /// Only L-BFGS stops on a small relative change by default: gradient descent makes small steady progress that
    /// such a test would mistake for convergence. For a large fit a tighter one adds iterations that no longer change
    /// test accuracy: one tight enough for the breast cancer optimum to 1e-3 runs MNIST's softmax to its 100
    /// iterations (docs/benchmarks.md, "2026-11-28: convergence rule"). A small fit, whose iterations cost
    /// microseconds, takes `smallFit`'s values instead and ends at the optimum.
    public static func tolerance(_ optimizer: OptimizerKind) -> Double { optimizer == .lbfgs ? 1e-4 : 0 }

    /// L-BFGS also stops when no gradient component exceeds this: scikit-learn's rule and its default tol. It ends
    /// no default MNIST run sooner (their gradients stay above it).
    public static func gradientTolerance(_ optimizer: OptimizerKind) -> Double { optimizer == .lbfgs ? 1e-4 : 0 }

    /// The stopping defaults of a small L-BFGS fit: at most `maxWork` multiply-adds per pass (training rows times
    /// parameters). Badly conditioned fits such as the unpenalised breast cancer one stop 0.038 from the optimum
    /// under the large-fit defaults; these reach it within 1e-3 in a few more iterations.
    public enum SmallFit {
        public static let maxWork = 1_000_000
        public static let tolerance = 1e-9
        public static let gradientTolerance = 1e-6
    }

    /// `tolerance` and `gradient_tolerance` for a fit of `work` multiply-adds per pass (training rows times
    /// parameters).
    public static func stopping(_ optimizer: OptimizerKind, work: Int) -> (tolerance: Double, gradientTolerance: Double) {
        if optimizer == .lbfgs && work <= SmallFit.maxWork {
            return (SmallFit.tolerance, SmallFit.gradientTolerance)
        }
        return (tolerance(optimizer), gradientTolerance(optimizer))
    }

    public static let momentum = 0.9
    public static let nesterov = false
    public static let schedule = ScheduleRequest.constant
    public static let inverseTimeDecaySteps = 1000.0
    public static let stepEvery = 10
    public static let stepFactor = 0.5
    public static let exponentialFactor = 0.9
    public static let regularization = RegularizationRequest.l2(.byDefault)
    public static let lambda = 1e-4
    public static let l1Ratio = 0.5
    public static let earlyStopping = EarlyStopping(patience: 3, restoreBest: true, minDelta: 0)
    public static let validationFraction = 0.1
    public static let testFraction = 0.2
    public static let seed: UInt64 = 42
    /// 0: the optimiser's own spacing of curve points.
    public static let evalEvery = 0
}
