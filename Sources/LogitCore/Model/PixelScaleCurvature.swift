/// The diagonal of `FeatureCovarianceCurvature`'s A, inverted, for image rows: p(1 - p) mean(x_j^2) + L2 for each
/// weight and p(1 - p) for each bias. It costs one pass over the non-zero pixels, so it serves where the full
/// inverse would cost more than it saves (a binary model's passes are ten times cheaper than softmax's). Pixels
/// differ widely in scale (border pixels are almost always 0): this lets L-BFGS take each weight's step at its own
/// scale.
public final class PixelScaleCurvature: InverseCurvature {
    /// M's diagonal, in the objective's parameter layout.
    public let diagonal: [Float]

    public init(data: LabeledRows, sparse: SparseBytes, factor: Float, outputCount: Int, outputProbability p: Double,
                l2: Double) {
        let d = data.matrix.columnCount
        // Squares of the raw bytes, summed exactly in integers (one pass over the non-zeros, no conversions).
        var squares = [Int](repeating: 0, count: d)
        for row in data.rows {
            for e in Int(sparse.rowStarts[Int(row)])..<Int(sparse.rowStarts[Int(row) + 1]) {
                let value = Int(sparse.values[e])
                squares[Int(sparse.columns[e])] &+= value * value
            }
        }
        let weight = p * (1 - p)
        let scale = weight * Double(factor) * Double(factor) / Double(max(data.count, 1))
        var diagonal = [Float](repeating: Float(1 / (weight + 1e-6)), count: outputCount * (d + 1))
        for c in 0..<outputCount {
            for j in 0..<d { diagonal[c * d + j] = Float(1 / (Double(squares[j]) * scale + l2 + 1e-6)) }
        }
        self.diagonal = diagonal
    }

    public func apply(_ vector: UnsafePointer<Float>, into result: UnsafeMutablePointer<Float>) {
        for i in 0..<diagonal.count { result[i] = diagonal[i] * vector[i] }
    }
}
