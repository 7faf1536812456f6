import RealModule

/// A one-hidden-layer perceptron: `softmax(W2 act(W1 x + b1) + b2)`, its parameters laid out as `MLPLayout` says.
public struct MLPModel: Sendable, Equatable {
    public let featureCount: Int
    public let hiddenCount: Int
    public let classCount: Int
    public let activation: Activation
    public var parameters: [Float]

    public init(featureCount: Int, hiddenCount: Int, classCount: Int, activation: Activation, parameters: [Float]) {
        precondition(parameters.count == Self.parameterCount(featureCount, hiddenCount, classCount),
                     "parameters do not match the layer sizes")
        self.featureCount = featureCount
        self.hiddenCount = hiddenCount
        self.classCount = classCount
        self.activation = activation
        self.parameters = parameters
    }

    public static func parameterCount(_ features: Int, _ hidden: Int, _ classes: Int) -> Int {
        MLPLayout(featureCount: features, hiddenCount: hidden, classCount: classes).parameterCount
    }

    public var layout: MLPLayout { MLPLayout(featureCount: featureCount, hiddenCount: hiddenCount, classCount: classCount) }
    public var weightCount: Int { layout.weightCount }
    public var weights: ArraySlice<Float> { parameters[0..<weightCount] }
    public var biases: ArraySlice<Float> { parameters[weightCount...] }

    /// Seeded initialisation: He (relu) or Glorot (sigmoid) scaled normal weights, zero biases.
    public static func initialParameters(features: Int, hidden: Int, classes: Int, activation: Activation,
                                         seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed ^ 0x6D6C_7000)
        let layout = MLPLayout(featureCount: features, hiddenCount: hidden, classCount: classes)
        var parameters = [Float](repeating: 0, count: layout.parameterCount)
        func normal() -> Float {
            // Box-Muller
            let u1 = Float.random(in: Float.ulpOfOne..<1, using: &generator)
            let u2 = Float.random(in: 0..<1, using: &generator)
            return (-2 * Float.log(u1)).squareRoot() * Float.cos(2 * .pi * u2)
        }
        let firstScale = activation == .relu ? (2 / Float(features)).squareRoot() : (1 / Float(features)).squareRoot()
        let secondScale = (1 / Float(hidden)).squareRoot()
        for i in layout.hiddenWeights { parameters[i] = normal() * firstScale }
        for i in layout.outputWeights { parameters[i] = normal() * secondScale }
        return parameters
    }
}

extension MLPModel: Classifier {
    /// Softmax probabilities for one transformed input; scratch space is on the stack, so this allocates nothing.
    public func probabilities(input: UnsafePointer<Float>, into probabilities: UnsafeMutablePointer<Float>) {
        let d = featureCount, h = hiddenCount, k = classCount
        parameters.withUnsafeBufferPointer { p in
            let (w1, w2, b1, b2) = layout.layers(at: p.baseAddress!)
            withUnsafeTemporaryAllocation(of: Float.self, capacity: h) { hidden in
                for unit in 0..<h {
                    hidden[unit] = activation.apply(b1[unit] + Kernels.dot(input, w1 + unit * d, count: d))
                }
                Kernels.softmax(logitsOf: hidden.baseAddress!, weights: w2, biases: b2, inputs: h, outputs: k,
                                into: probabilities)
            }
        }
    }
}
