/// Plain stochastic gradient descent: `w -= rate * g`, then the L1 soft-threshold by `rate * l1`.
struct SGD: StochasticOptimizer {
    mutating func step(parameters: UnsafeMutableBufferPointer<Float>, gradient: UnsafePointer<Float>, rate: Float,
                       l1: L1Shrinkage) {
        l1.forEachPart(parameterCount: parameters.count) { indices, strength in
            for i in indices {
                let new = parameters[i] - rate * gradient[i]
                parameters[i] = strength > 0 ? softThreshold(new, by: rate * strength) : new
            }
        }
    }
}
