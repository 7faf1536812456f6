/// Where a one-hidden-layer perceptron's layers sit in its one flat parameter vector (and in a gradient of the same
/// shape): `[W1 (hidden x features), W2 (classes x hidden), b1 (hidden), b2 (classes)]`, row-major. The weights
/// come first so the penalised parameters are a prefix, as `TrainingObjective` expects.
public struct MLPLayout: Sendable, Equatable {
    public let featureCount: Int
    public let hiddenCount: Int
    public let classCount: Int

    public init(featureCount: Int, hiddenCount: Int, classCount: Int) {
        self.featureCount = featureCount
        self.hiddenCount = hiddenCount
        self.classCount = classCount
    }

    /// W1: one row of `featureCount` weights per hidden unit.
    public var hiddenWeights: Range<Int> { 0..<hiddenCount * featureCount }
    /// W2: one row of `hiddenCount` weights per class.
    public var outputWeights: Range<Int> { hiddenWeights.upperBound..<hiddenWeights.upperBound + classCount * hiddenCount }
    /// b1
    public var hiddenBiases: Range<Int> { outputWeights.upperBound..<outputWeights.upperBound + hiddenCount }
    /// b2
    public var outputBiases: Range<Int> { hiddenBiases.upperBound..<hiddenBiases.upperBound + classCount }

    public var weightCount: Int { outputWeights.upperBound }
    public var parameterCount: Int { outputBiases.upperBound }

    /// The row of W1 that belongs to hidden unit `unit`: its filter over the features.
    public func hiddenUnitWeights(_ unit: Int) -> Range<Int> {
        hiddenWeights.lowerBound + unit * featureCount..<hiddenWeights.lowerBound + (unit + 1) * featureCount
    }

    /// Where W1, W2, b1 and b2 start in a parameter or gradient vector that starts at `base`.
    @inline(__always)
    func layers<Pointer: Strideable>(at base: Pointer) -> (w1: Pointer, w2: Pointer, b1: Pointer, b2: Pointer)
    where Pointer.Stride == Int {
        (base.advanced(by: hiddenWeights.lowerBound), base.advanced(by: outputWeights.lowerBound),
         base.advanced(by: hiddenBiases.lowerBound), base.advanced(by: outputBiases.lowerBound))
    }
}
