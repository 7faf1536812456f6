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
    /// Full-batch optimisers also stop when no component of the smooth objective's gradient exceeds this in absolute
    /// value (scikit-learn's test for L-BFGS); 0 = never. Mini-batch gradients are too noisy for it.
    public var gradientTolerance: Double
    public var seed: UInt64
    /// Steps between curve points (0 = four per epoch for the mini-batch optimisers, every 5 iterations for full
    /// batch); a mini-batch run also records a point at the end of every epoch.
    public var evalEvery: Int
    /// L-BFGS history length.
    public var memory: Int

    public init(optimizer: OptimizerKind = .lbfgs, epochs: Int = 100, batchSize: Int = 0, learningRate: Double = 0.1,
                schedule: LearningRateSchedule = .constant, penalty: Penalty = .none, momentum: Double = 0.9,
                nesterov: Bool = false, lineSearch: Bool = false, earlyStopping: EarlyStopping? = nil,
                tolerance: Double = 0, gradientTolerance: Double = 0, seed: UInt64 = 0, evalEvery: Int = 0,
                memory: Int = 10) {
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
        self.gradientTolerance = gradientTolerance
        self.seed = seed
        self.evalEvery = evalEvery
        self.memory = memory
    }
}
