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
    /// Parameters without L1 from which the update is split between the training threads: an MLP's 100k take
    /// tens of microseconds on one core; a linear model's 8k stay on one.
    static let parallelThreshold = 1 << 15
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
                    guard strength > 0 else {
                        let state = UnsafeSendable((parameters.baseAddress!, first.baseAddress!, second.baseAddress!,
                                                    gradient))
                        @Sendable func update(_ range: Range<Int>) {
                            let (p, m, s, g) = state.value
                            Self.update(range, parameters: p, first: m, second: s, gradient: g, beta1: beta1,
                                        correctedRate: correctedRate)
                        }
                        guard indices.count >= Self.parallelThreshold else { return update(indices) }
                        // Halves on cache-line boundaries, so the two threads never write to one line.
                        let middle = (indices.lowerBound + indices.count / 2) & ~15
                        TrainingThreads.parallelFor(iterations: 2) { half in
                            update(half == 0 ? indices.lowerBound..<middle : middle..<indices.upperBound)
                        }
                        return
                    }
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

    /// The update without L1 of the parameters in `range`: the formula of the loop in `step`, eight lanes at a time
    /// (the same operations lane by lane, so the same results), then one at a time.
    @inline(__always)
    private static func update(_ range: Range<Int>, parameters: UnsafeMutablePointer<Float>,
                               first: UnsafeMutablePointer<Float>, second: UnsafeMutablePointer<Float>,
                               gradient: UnsafePointer<Float>, beta1: Float, correctedRate: Float) {
        typealias Vector = SIMD8<Float>
        let p = UnsafeMutableRawPointer(parameters)
        let m0 = UnsafeMutableRawPointer(first)
        let s0 = UnsafeMutableRawPointer(second)
        let g0 = UnsafeRawPointer(gradient)
        let stride = MemoryLayout<Float>.stride
        var i = range.lowerBound
        while i + 8 <= range.upperBound {
            let offset = i * stride
            let g = g0.loadUnaligned(fromByteOffset: offset, as: Vector.self)
            let m = beta1 * m0.loadUnaligned(fromByteOffset: offset, as: Vector.self) + (1 - beta1) * g
            let s = beta2 * s0.loadUnaligned(fromByteOffset: offset, as: Vector.self) + (1 - beta2) * g * g
            m0.storeBytes(of: m, toByteOffset: offset, as: Vector.self)
            s0.storeBytes(of: s, toByteOffset: offset, as: Vector.self)
            let scale = correctedRate / (s.lanewiseSquareRoot + 1e-8)
            let old = p.loadUnaligned(fromByteOffset: offset, as: Vector.self)
            p.storeBytes(of: old - scale * m, toByteOffset: offset, as: Vector.self)
            i += 8
        }
        while i < range.upperBound {
            let g = gradient[i]
            let m = beta1 * first[i] + (1 - beta1) * g
            let s = beta2 * second[i] + (1 - beta2) * g * g
            first[i] = m
            second[i] = s
            parameters[i] = parameters[i] - correctedRate / (s.squareRoot() + 1e-8) * m
            i += 1
        }
    }
}
