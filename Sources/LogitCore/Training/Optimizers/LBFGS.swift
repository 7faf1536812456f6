/// L-BFGS with the two-loop recursion and a backtracking (Armijo) line search that tries the full quasi-Newton step
/// first. Smooth objectives only: it never takes an L1 step.
///
/// The initial inverse Hessian is gamma * M: M the objective's estimate of the inverse Hessian (with the L2 term) when
/// it has one, else the identity; gamma fitted to the newest pair, s'y / (y'My). M is applied once per iteration, to
/// the new gradient: M y is the difference of two such products, and M q in the two-loop recursion
/// (q = -g - sum of alpha_i y_i) is the same combination of M g and the pairs' M y_i. Without M (the identity) M g is
/// g and M y is y: nothing more is stored.
struct LBFGS<Objective: TrainingObjective>: FullBatchOptimizer {
    private typealias Pair = (s: [Float], y: [Float], curvedY: [Float], rho: Double)

    private let objective: PenalizedObjective<Objective>
    /// How many (s, y) pairs the history keeps.
    private let memory: Int
    private let inverseCurvature: (any InverseCurvature)?
    /// The accepted point, its objective value and gradient, and M times that gradient.
    private var x: [Float]
    private var value: Double
    private var gradient: [Float]
    private var curvedGradient: [Float]
    private var history: [Pair] = []
    /// y'My of the newest pair, computed when the pair is stored.
    private var newestYMY = 0.0
    // Buffers each iteration reuses. The newest (s, y) pair is built in `s` and `y`, then swapped into the history
    // (whose oldest pair's buffers come back), so an iteration allocates nothing once the history is full.
    private var direction: [Float]
    private var trialGradient: [Float]
    private var trialCurvedGradient: [Float]
    private var s: [Float]
    private var y: [Float]
    private var alpha: [Double]

    /// Starts at `start`, evaluating the objective there.
    init(objective: PenalizedObjective<Objective>, memory: Int, start: [Float]) {
        let count = start.count
        self.objective = objective
        self.memory = memory
        x = start
        var gradient = [Float](repeating: 0, count: count)
        value = start.withUnsafeBufferPointer { x in
            gradient.withUnsafeMutableBufferPointer { objective.smoothValue(at: x, gradient: $0.baseAddress!).value }
        }
        self.gradient = gradient
        direction = [Float](repeating: 0, count: count)
        trialGradient = [Float](repeating: 0, count: count)
        s = [Float](repeating: 0, count: count)
        y = [Float](repeating: 0, count: count)
        alpha = [Double](repeating: 0, count: memory)
        inverseCurvature = objective.data.inverseCurvature(l2: objective.penalty.l2Strength)
        let curvedCount = inverseCurvature == nil ? 0 : count
        curvedGradient = [Float](repeating: 0, count: curvedCount)
        trialCurvedGradient = [Float](repeating: 0, count: curvedCount)
        Self.applyCurvature(inverseCurvature, gradient, into: &curvedGradient)
    }

    mutating func iterate(_ iteration: Int, parameters: UnsafeMutableBufferPointer<Float>) -> FullBatchIteration {
        let objective = self.objective
        let count = parameters.count
        // direction = -H * gradient (two-loop recursion)
        for i in 0..<count { direction[i] = -gradient[i] }
        for index in history.indices.reversed() {
            let a = history[index].rho * Self.dot(history[index].s, direction)
            alpha[index] = a
            Self.axpy(Float(-a), history[index].y, &direction)
        }
        if inverseCurvature != nil {
            // M q = -M g - sum of alpha_i M y_i (without M, q is the direction as it stands).
            for i in 0..<count { direction[i] = -curvedGradient[i] }
            for index in history.indices { Self.axpy(Float(-alpha[index]), history[index].curvedY, &direction) }
        } else if history.isEmpty {
            // First step without a curvature estimate: steepest descent scaled to unit length.
            let norm = Float(Self.dot(gradient, gradient).squareRoot())
            if norm > 0 { for i in 0..<count { direction[i] /= norm } }
        }
        if let last = history.last {
            let gamma = Float(Self.dot(last.s, last.y) / newestYMY)
            for i in 0..<count { direction[i] *= gamma }
        }
        for index in history.indices {
            let b = history[index].rho * Self.dot(history[index].y, direction)
            Self.axpy(Float(alpha[index] - b), history[index].s, &direction)
        }
        var slope = Self.dot(gradient, direction)
        if slope >= 0 {
            // Not a descent direction (numerical trouble): restart from steepest descent.
            history.removeAll()
            for i in 0..<count { direction[i] = -gradient[i] }
            slope = Self.dot(gradient, direction)
        }
        // Backtracking line search (Armijo).
        var step: Float = 1
        var trialObjective = Double.infinity
        var trialResult = BatchResult()
        for _ in 0..<30 {
            for i in 0..<count { parameters[i] = x[i] + step * direction[i] }
            (trialObjective, trialResult) = trialGradient.withUnsafeMutableBufferPointer {
                objective.smoothValue(at: UnsafeBufferPointer(parameters), gradient: $0.baseAddress!)
            }
            if trialObjective <= value + 1e-4 * Double(step) * slope { break }
            step *= 0.5
        }
        if !(trialObjective < value) {
            // No decrease possible at float precision: we are at the optimum.
            _ = parameters.update(fromContentsOf: x)
            return .stalled
        }
        for i in 0..<count {
            s[i] = parameters[i] - x[i]
            y[i] = trialGradient[i] - gradient[i]
            x[i] = parameters[i]
        }
        Self.applyCurvature(inverseCurvature, trialGradient, into: &trialCurvedGradient)
        let sy = Self.dot(y, s)
        if sy > 1e-10 {
            let curvedCount = curvedGradient.count
            var pair = history.count == memory
                ? history.removeFirst()
                : (s: [Float](repeating: 0, count: count), y: [Float](repeating: 0, count: count),
                   curvedY: [Float](repeating: 0, count: curvedCount), rho: 0)
            swap(&pair.s, &s)
            swap(&pair.y, &y)
            for i in 0..<curvedCount { pair.curvedY[i] = trialCurvedGradient[i] - curvedGradient[i] }
            pair.rho = 1 / sy
            newestYMY = Self.dot(pair.y, inverseCurvature == nil ? pair.y : pair.curvedY)
            history.append(pair)
        }
        swap(&gradient, &trialGradient)
        swap(&curvedGradient, &trialCurvedGradient)
        let previousObjective = value
        value = trialObjective
        return .moved(previousObjective: previousObjective, objective: value, learningRate: Double(step),
                      result: trialResult, largestGradient: Self.largestMagnitude(gradient))
    }

    /// `destination` = M `source`; nothing without M.
    private static func applyCurvature(_ inverseCurvature: (any InverseCurvature)?, _ source: [Float],
                                       into destination: inout [Float]) {
        guard let inverseCurvature else { return }
        source.withUnsafeBufferPointer { v in
            destination.withUnsafeMutableBufferPointer { inverseCurvature.apply(v.baseAddress!, into: $0.baseAddress!) }
        }
    }

    private static func largestMagnitude(_ v: [Float]) -> Double {
        Double(v.reduce(Float(0)) { max($0, abs($1)) })
    }

    private static func dot(_ a: [Float], _ b: [Float]) -> Double {
        var sum = 0.0
        for i in 0..<a.count { sum += Double(a[i]) * Double(b[i]) }
        return sum
    }

    private static func axpy(_ alpha: Float, _ x: [Float], _ y: inout [Float]) {
        for i in 0..<x.count { y[i] += alpha * x[i] }
    }
}
