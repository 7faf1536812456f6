/// How parameters are updated.
public enum OptimizerKind: String, Codable, Sendable, CaseIterable {
    /// Full-batch gradient descent (proximal for L1), optionally with an Armijo line search.
    case gd
    /// Mini-batch stochastic gradient descent, reshuffled every epoch.
    case sgd
    /// Mini-batch SGD with (optionally Nesterov) momentum.
    case momentum
    /// Mini-batch Adam (Kingma and Ba, 2015).
    case adam
    /// Limited-memory BFGS on the full batch (scikit-learn's default solver); smooth objectives only.
    case lbfgs

    /// Optimisers that take mini-batches.
    public var isStochastic: Bool { self == .sgd || self == .momentum || self == .adam }
}

/// The penalty on the weights (never on the bias):
/// `l2`: lambda/2 ||W||^2; `l1`: lambda ||W||_1; `elasticNet`: lambda (r ||W||_1 + (1 - r)/2 ||W||^2).
public enum Penalty: Sendable, Equatable {
    case none
    case l2(lambda: Double)
    case l1(lambda: Double)
    case elasticNet(lambda: Double, l1Ratio: Double)

    /// Coefficient of the smooth ||W||^2 / 2 term.
    public var l2Strength: Double {
        switch self {
        case .none, .l1: 0
        case .l2(let lambda): lambda
        case .elasticNet(let lambda, let ratio): lambda * (1 - ratio)
        }
    }

    /// Coefficient of the non-smooth ||W||_1 term, applied by a proximal (soft-threshold) step.
    public var l1Strength: Double {
        switch self {
        case .none, .l2: 0
        case .l1(let lambda): lambda
        case .elasticNet(let lambda, let ratio): lambda * ratio
        }
    }

    public var isSmooth: Bool { l1Strength == 0 }

    /// Adds the gradient of the smooth part, `l2Strength * w`, to `gradient` (the L1 part is a proximal step).
    public func addSmoothGradient(weights: UnsafeBufferPointer<Float>, into gradient: UnsafeMutablePointer<Float>) {
        let l2 = Float(l2Strength)
        guard l2 > 0 else { return }
        for i in 0..<weights.count { gradient[i] += l2 * weights[i] }
    }

    public func value<Weights: Collection<Float>>(_ weights: Weights) -> Double {
        var squares = 0.0
        var absolutes = 0.0
        for w in weights {
            squares += Double(w) * Double(w)
            absolutes += abs(Double(w))
        }
        return l2Strength / 2 * squares + l1Strength * absolutes
    }
}

/// Stop when the validation loss has not improved for `patience` evaluations; optionally go back to the best weights.
public struct EarlyStopping: Sendable, Equatable {
    public var patience: Int
    public var restoreBest: Bool
    /// Smallest decrease that counts as an improvement.
    public var minDelta: Double

    public init(patience: Int = 3, restoreBest: Bool = true, minDelta: Double = 0) {
        self.patience = patience
        self.restoreBest = restoreBest
        self.minDelta = minDelta
    }
}

/// Learning rate as a function of the step t (0-based) or of the epoch. The trainer passes the number of whole epochs
/// completed, so the epoch-based schedules change the rate between epochs only.
public enum LearningRateSchedule: Sendable, Equatable {
    case constant
    /// alpha0 / (1 + t / T)
    case inverseTime(decaySteps: Double)
    /// alpha0 * factor^floor(epoch / every)
    case stepDecay(everyEpochs: Int, factor: Double)
    /// alpha0 * rate^epoch
    case exponential(ratePerEpoch: Double)

    public func rate(base: Double, step: Int, epoch: Double) -> Double {
        switch self {
        case .constant: base
        case .inverseTime(let decaySteps): base / (1 + Double(step) / decaySteps)
        case .stepDecay(let every, let factor): base * pow(factor, (epoch / Double(every)).rounded(.down))
        case .exponential(let rate): base * pow(rate, epoch)
        }
    }
}

/// Everything the training loop needs to know besides the data.
public struct TrainingOptions: Sendable {
    public var optimizer: OptimizerKind
    /// Maximum passes over the training rows (iterations for full-batch optimisers).
    public var epochs: Int
    /// Rows per step for the mini-batch optimisers (`sgd`, `momentum`, `adam`).
    public var batchSize: Int
    public var learningRate: Double
    public var schedule: LearningRateSchedule
    public var penalty: Penalty
    /// Momentum coefficient for `momentum`; beta1 for `adam`.
    public var momentum: Double
    public var nesterov: Bool
    /// Armijo backtracking line search for `gd`: each iteration's first trial step is twice the last accepted one
    /// (twice the learning rate at the start).
    public var lineSearch: Bool
    public var earlyStopping: EarlyStopping?
    /// Stop when the training objective changes by less than this (relative) between epochs; 0 = never.
    public var tolerance: Double
    public var seed: UInt64
    /// Steps between curve points (0 = four per epoch for the mini-batch optimisers, every 5 iterations for full
    /// batch); a mini-batch run also records a point at the end of every epoch.
    public var evalEvery: Int
    /// L-BFGS history length.
    public var memory: Int

    public init(optimizer: OptimizerKind = .lbfgs, epochs: Int = 100, batchSize: Int = 0, learningRate: Double = 0.1,
                schedule: LearningRateSchedule = .constant, penalty: Penalty = .none, momentum: Double = 0.9,
                nesterov: Bool = false, lineSearch: Bool = false, earlyStopping: EarlyStopping? = nil,
                tolerance: Double = 0, seed: UInt64 = 0, evalEvery: Int = 0, memory: Int = 10) {
        self.optimizer = optimizer
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.schedule = schedule
        self.penalty = penalty
        self.momentum = momentum
        self.nesterov = nesterov
        self.lineSearch = lineSearch
        self.earlyStopping = earlyStopping
        self.tolerance = tolerance
        self.seed = seed
        self.evalEvery = evalEvery
        self.memory = memory
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
