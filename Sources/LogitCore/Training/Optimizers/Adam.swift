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
                    var start = indices.lowerBound
                    if strength == 0 {
                        // Eight at a time: the loop below's operations lane by lane, so the same results.
                        typealias Vector = SIMD8<Float>
                        let p = UnsafeMutableRawPointer(parameters.baseAddress!)
                        let m0 = UnsafeMutableRawPointer(first.baseAddress!)
                        let s0 = UnsafeMutableRawPointer(second.baseAddress!)
                        let g0 = UnsafeRawPointer(gradient)
                        let stride = MemoryLayout<Float>.stride
                        while start + 8 <= indices.upperBound {
                            let offset = start * stride
                            let g = g0.loadUnaligned(fromByteOffset: offset, as: Vector.self)
                            let m = beta1 * m0.loadUnaligned(fromByteOffset: offset, as: Vector.self) + (1 - beta1) * g
                            let s = beta2 * s0.loadUnaligned(fromByteOffset: offset, as: Vector.self)
                                + (1 - beta2) * g * g
                            m0.storeBytes(of: m, toByteOffset: offset, as: Vector.self)
                            s0.storeBytes(of: s, toByteOffset: offset, as: Vector.self)
                            let scale = correctedRate / (s.lanewiseSquareRoot + 1e-8)
                            let old = p.loadUnaligned(fromByteOffset: offset, as: Vector.self)
                            p.storeBytes(of: old - scale * m, toByteOffset: offset, as: Vector.self)
                            start += 8
                        }
                    }
                    for i in start..<indices.upperBound {
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
