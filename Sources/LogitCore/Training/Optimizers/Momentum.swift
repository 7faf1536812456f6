/// Stochastic gradient descent with momentum, `v = momentum * v - rate * g; w += v`, or Nesterov's variant,
/// `w += momentum * v - rate * g`. With L1 the velocity is the displacement actually made after the soft-threshold,
/// so a weight thresholded to zero stays there unless the gradient pushes it out.
struct Momentum: StochasticOptimizer {
    let momentum: Float
    let nesterov: Bool
    private var velocity: [Float]

    init(parameterCount: Int, momentum: Float, nesterov: Bool) {
        self.momentum = momentum
        self.nesterov = nesterov
        velocity = [Float](repeating: 0, count: parameterCount)
    }

    mutating func step(parameters: UnsafeMutableBufferPointer<Float>, gradient: UnsafePointer<Float>, rate: Float,
                       l1: L1Shrinkage) {
        let momentum = self.momentum
        let nesterov = self.nesterov
        velocity.withUnsafeMutableBufferPointer { velocity in
            l1.forEachPart(parameterCount: parameters.count) { indices, strength in
                for i in indices {
                    let g = gradient[i]
                    let old = parameters[i]
                    let v = momentum * velocity[i] - rate * g
                    var new = old + (nesterov ? momentum * v - rate * g : v)
                    if strength > 0 { new = softThreshold(new, by: rate * strength) }
                    velocity[i] = strength > 0 ? new - old : v
                    parameters[i] = new
                }
            }
        }
    }
}
