import RealModule

extension LinearModel {
    /// Class probabilities for one transformed input of `featureCount` floats, written to `probabilities`
    /// (`classCount` long; for a logistic model `[P(negative), P(positive)]`).
    @inlinable
    public func probabilities(input: UnsafePointer<Float>, into probabilities: UnsafeMutablePointer<Float>) {
        weights.withUnsafeBufferPointer { w in
            if kind == .logistic {
                let p = Kernels.sigmoid(biases[0] + Kernels.dot(input, w.baseAddress!, count: featureCount))
                probabilities[0] = 1 - p
                probabilities[1] = p
                return
            }
            switch kind {
            case .logistic, .mlp: break
            case .softmax:
                biases.withUnsafeBufferPointer { b in
                    Kernels.softmax(logitsOf: input, weights: w.baseAddress!, biases: b.baseAddress!,
                                    inputs: featureCount, outputs: outputCount, into: probabilities)
                }
            case .ovr, .ridge:
                var total: Float = 0
                for k in 0..<outputCount {
                    let z = biases[k] + Kernels.dot(input, w.baseAddress! + k * featureCount, count: featureCount)
                    let p = kind == .ovr ? Kernels.sigmoid(z) : min(max(z, 0), 1)
                    probabilities[k] = p
                    total += p
                }
                // All-zero ridge scores: no preference, so uniform.
                let inverse: Float = total > 0 ? 1 / total : 0
                for k in 0..<outputCount { probabilities[k] = total > 0 ? probabilities[k] * inverse : 1 / Float(outputCount) }
            }
        }
    }
}
