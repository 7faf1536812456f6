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
