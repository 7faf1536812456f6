extension LinearModel {
    /// Weights then biases, as one vector (the layout of `LinearObjective`'s gradient).
    public var parameters: [Float] { weights + biases }
    public var parameterCount: Int { weights.count + biases.count }
}

extension LinearModel {
    /// The same classifier expressed on raw features: with `x' = (x - m) * f`, `w.x' + b = (w*f).x + (b - sum w*f*m)`.
    /// Predictions are unchanged. The tests compare models fitted on preprocessed data with references fitted on raw
    /// features this way (scikit-learn's breast-cancer coefficients).
    public func foldingPreprocessing(_ preprocessing: Preprocessing) -> LinearModel {
        let transform = FeatureTransform(preprocessing, featureCount: featureCount)
        var folded = self
        for output in 0..<outputCount {
            var shift: Double = 0
            for j in 0..<featureCount {
                let index = output * featureCount + j
                let factor = transform.sharedFactor ?? transform.factors[j]
                let offset = transform.sharedFactor == nil ? transform.offsets[j] : 0
                folded.weights[index] = weights[index] * factor
                shift += Double(weights[index]) * Double(factor) * Double(offset)
            }
            folded.biases[output] = Float(Double(biases[output]) - shift)
        }
        return folded
    }
}
