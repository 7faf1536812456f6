#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Adam (Kingma and Ba, 2015) with beta2 = 0.999 and epsilon = 1e-8. The L1 soft-threshold is scaled per weight like
/// Adam's own step.
struct Adam: StochasticOptimizer {
    let beta1: Float
    static let beta2: Float = 0.999
    private var firstMoment: [Float]
    private var secondMoment: [Float]
    private var steps = 0

    init(parameterCount: Int, beta1: Float) {
        self.beta1 = beta1
        firstMoment = [Float](repeating: 0, count: parameterCount)
        secondMoment = [Float](repeating: 0, count: parameterCount)
    }

    mutating func step(parameters: UnsafeMutableBufferPointer<Float>, gradient: UnsafePointer<Float>, rate: Float,
                       l1: L1Shrinkage) {
        steps += 1
        let beta1 = self.beta1
        let beta2 = Self.beta2
        // The bias corrections of both moments, folded into the rate.
        let correctedRate = rate * (1 - pow(beta2, Float(steps))).squareRoot() / (1 - pow(beta1, Float(steps)))
        firstMoment.withUnsafeMutableBufferPointer { first in
            secondMoment.withUnsafeMutableBufferPointer { second in
                l1.forEachPart(parameterCount: parameters.count) { indices, strength in
                    for i in indices {
                        let g = gradient[i]
                        let m = beta1 * first[i] + (1 - beta1) * g
                        let s = beta2 * second[i] + (1 - beta2) * g * g
                        first[i] = m
                        second[i] = s
                        let scale = correctedRate / (s.squareRoot() + 1e-8)
                        let new = parameters[i] - scale * m
                        parameters[i] = strength > 0 ? softThreshold(new, by: scale * strength) : new
                    }
                }
            }
        }
    }
}
