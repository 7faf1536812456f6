import RealModule

/// Small dense kernels. `Relaxed` arithmetic lets the compiler reassociate the sums and vectorise them, which is
/// where most of the speed of these loops comes from.
@usableFromInline
enum Kernels {
    @inline(__always) @usableFromInline
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        var sum: Float = 0
        for j in 0..<count { sum = Relaxed.multiplyAdd(a[j], b[j], sum) }
        return sum
    }

    /// Dot products of four rows with one weight vector, reading the weights once.
    @inline(__always) @usableFromInline
    static func dot4(_ a0: UnsafePointer<Float>, _ a1: UnsafePointer<Float>, _ a2: UnsafePointer<Float>,
                     _ a3: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> (Float, Float, Float, Float) {
        var s0: Float = 0, s1: Float = 0, s2: Float = 0, s3: Float = 0
        for j in 0..<count {
            let w = b[j]
            s0 = Relaxed.multiplyAdd(a0[j], w, s0)
            s1 = Relaxed.multiplyAdd(a1[j], w, s1)
            s2 = Relaxed.multiplyAdd(a2[j], w, s2)
            s3 = Relaxed.multiplyAdd(a3[j], w, s3)
        }
        return (s0, s1, s2, s3)
    }

    /// y += alpha.0 * x0 + alpha.1 * x1 + alpha.2 * x2 + alpha.3 * x3, reading and writing y once.
    @inline(__always) @usableFromInline
    static func axpy4(_ alpha: (Float, Float, Float, Float), _ x0: UnsafePointer<Float>, _ x1: UnsafePointer<Float>,
                      _ x2: UnsafePointer<Float>, _ x3: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                      count: Int) {
        for j in 0..<count {
            var value = Relaxed.multiplyAdd(alpha.0, x0[j], y[j])
            value = Relaxed.multiplyAdd(alpha.1, x1[j], value)
            value = Relaxed.multiplyAdd(alpha.2, x2[j], value)
            y[j] = Relaxed.multiplyAdd(alpha.3, x3[j], value)
        }
    }

    /// y += alpha * x
    @inline(__always) @usableFromInline
    static func axpy(_ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        for j in 0..<count { y[j] = Relaxed.multiplyAdd(alpha, x[j], y[j]) }
    }

    /// log(1 + e^x) without overflow.
    @inline(__always) @usableFromInline
    static func softplus(_ x: Float) -> Float {
        x > 0 ? x + Float.log(onePlus: Float.exp(-x)) : Float.log(onePlus: Float.exp(x))
    }

    /// probabilities = softmax(W h + b) for `inputs` values h and an `outputs x inputs` row-major W.
    @inline(__always) @usableFromInline
    static func softmax(logitsOf h: UnsafePointer<Float>, weights: UnsafePointer<Float>, biases: UnsafePointer<Float>,
                        inputs: Int, outputs: Int, into probabilities: UnsafeMutablePointer<Float>) {
        var largest = -Float.infinity
        for k in 0..<outputs {
            let z = biases[k] + dot(h, weights + k * inputs, count: inputs)
            probabilities[k] = z
            largest = max(largest, z)
        }
        var total: Float = 0
        for k in 0..<outputs {
            let e = Float.exp(probabilities[k] - largest)
            probabilities[k] = e
            total += e
        }
        let inverse = 1 / total
        for k in 0..<outputs { probabilities[k] *= inverse }
    }

    @inline(__always) @usableFromInline
    static func sigmoid(_ x: Float) -> Float {
        x >= 0 ? 1 / (1 + Float.exp(-x)) : Float.exp(x) / (1 + Float.exp(x))
    }
}

