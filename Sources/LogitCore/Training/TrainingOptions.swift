/// How parameters are updated.
public enum OptimizerKind: String, Codable, Sendable, CaseIterable {
    /// Full-batch gradient descent.
    case gd
    /// Mini-batch stochastic gradient descent, reshuffled every epoch.
    case sgd
    /// Limited-memory BFGS on the full batch (scikit-learn's default solver).
    case lbfgs
}

/// Learning rate as a function of the step t (0-based) or of the epoch.
public enum LearningRateSchedule: Sendable, Equatable {
    case constant
    /// alpha0 / (1 + t / T)
    case inverseTime(decaySteps: Double)
    /// alpha0 * factor^floor(epoch / every)
    case stepDecay(everyEpochs: Int, factor: Double)
    /// alpha0 * rate^epoch (continuous in fractional epochs)
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
    /// Rows per step for `sgd`.
    public var batchSize: Int
    public var learningRate: Double
    public var schedule: LearningRateSchedule
    /// L2 penalty lambda/2 * ||W||^2 (never on the bias).
    public var l2: Double
    /// Stop when the training objective changes by less than this (relative) between epochs; 0 = never.
    public var tolerance: Double
    public var seed: UInt64
    /// Steps between curve points (0 = a few per epoch for `sgd`, every 5 iterations for full batch).
    public var evalEvery: Int
    /// L-BFGS history length.
    public var memory: Int

    public init(optimizer: OptimizerKind = .lbfgs, epochs: Int = 100, batchSize: Int = 0, learningRate: Double = 0.1,
                schedule: LearningRateSchedule = .constant, l2: Double = 0, tolerance: Double = 0, seed: UInt64 = 0,
                evalEvery: Int = 0, memory: Int = 10) {
        self.optimizer = optimizer
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.schedule = schedule
        self.l2 = l2
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
