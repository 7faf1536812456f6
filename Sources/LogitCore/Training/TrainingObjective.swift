/// What the trainer minimises: a differentiable data loss over a flat parameter vector. The first `weightCount`
/// parameters are the weights, which the penalty applies to; the rest are biases, which it never touches.
public protocol TrainingObjective: AnyObject {
    associatedtype Model: Sendable

    var data: LabeledRows { get }
    var parameterCount: Int { get }
    var weightCount: Int { get }
    /// Positions 0..<data.count.
    var allPositions: [Int32] { get }

    /// Where training starts (zeros for convex models, a seeded random draw for an MLP).
    func initialParameters(seed: UInt64) -> [Float]
    /// An estimate of the inverse Hessian of the data term plus an L2 penalty of strength `l2`, or nil (see the
    /// extension's default).
    func inverseCurvature(l2: Double) -> (any InverseCurvature)?
    func model(parameters: [Float]) -> Model
    /// The loss summed over the rows at `positions`, and, if `gradient` is given, the gradient of the mean loss
    /// (`parameterCount` floats, overwritten).
    func evaluate(parameters: UnsafePointer<Float>, positions: UnsafeBufferPointer<Int32>,
                  gradient: UnsafeMutablePointer<Float>?) -> BatchResult
}

extension TrainingObjective {
    /// An estimate of the inverse Hessian, which L-BFGS takes (scaled) as its initial inverse Hessian; nil when the
    /// objective has none (then L-BFGS scales the identity by a single number).
    public func inverseCurvature(l2: Double) -> (any InverseCurvature)? { nil }

    /// Over every row of `data`.
    public func evaluate(parameters: [Float], gradient: UnsafeMutablePointer<Float>? = nil) -> BatchResult {
        parameters.withUnsafeBufferPointer { p in
            allPositions.withUnsafeBufferPointer { evaluate(parameters: p.baseAddress!, positions: $0, gradient: gradient) }
        }
    }
}

/// A symmetric positive-definite linear map M, an estimate of an objective's inverse Hessian.
public protocol InverseCurvature: AnyObject {
    /// `result` = M `vector` (both `parameterCount` floats).
    func apply(_ vector: UnsafePointer<Float>, into result: UnsafeMutablePointer<Float>)
}
