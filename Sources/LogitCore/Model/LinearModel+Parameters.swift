extension LinearModel {
    /// Weights then biases, as one vector (the layout of `LinearObjective`'s gradient).
    public var parameters: [Float] { weights + biases }
    public var parameterCount: Int { weights.count + biases.count }

    public mutating func setParameters(_ parameters: UnsafeBufferPointer<Float>) {
        precondition(parameters.count == parameterCount, "parameter count mismatch")
        let weightCount = weights.count
        weights.withUnsafeMutableBufferPointer { w in
            for i in 0..<weightCount { w[i] = parameters[i] }
        }
        biases.withUnsafeMutableBufferPointer { b in
            for i in 0..<b.count { b[i] = parameters[weightCount + i] }
        }
    }
}
