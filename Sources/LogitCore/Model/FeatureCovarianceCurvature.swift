import Dispatch

/// The inverse-Hessian estimate L-BFGS starts from for a linear model (its initial inverse Hessian, scaled).
///
/// At the all-zero start every output predicts p (1/K for softmax, 1/2 for a binary model), and the Hessian of the
/// mean cross-entropy with respect to one output's weights and bias is p(1 - p) E[x̃ x̃ᵀ], with x̃ the transformed
/// features followed by a 1 for the bias. Taking that block for every output (the coupling between outputs left
/// out), plus the L2 penalty and a small ridge, gives A; this applies A⁻¹ to each output's parameters. Pixels are
/// strongly correlated and of very different scales (border pixels are almost always 0): with A⁻¹, L-BFGS
/// reaches the softmax optimum on MNIST in about a third of the iterations a diagonal scaling needs
/// (docs/benchmarks.md). E[x̃ x̃ᵀ] is estimated on up to `sampleRows` evenly spaced training rows.
///
/// Immutable once built, so `apply` may run on several threads at once (the factor's buffers are only read).
public final class FeatureCovarianceCurvature: InverseCurvature, @unchecked Sendable {
    public let featureCount: Int
    public let outputCount: Int
    private let factor: CholeskyFactor

    /// Feature counts above this fall back to no estimate: A takes (features + 1)^2 floats and its factorisation
    /// grows with the cube.
    public static let maximumFeatureCount = 2047

    /// Rows whose second moments are summed: enough for a stable estimate, few enough to cost about two passes.
    public static let defaultSampleRows = 4096

    /// The ridge added to A's diagonal, relative to A's mean diagonal entry: it keeps the factorisation well
    /// conditioned in Float (constant pixels have no curvature at all) and was measured to cost no iterations.
    static let relativeRidge: Float = 0.1

    /// The features non-zero in some sampled row, in order: A's rows and columns (then the bias). The others have
    /// no second moments, so their part of A is diagonal, `inactiveInverse` (for MNIST, ~125 border pixels of the
    /// 4,096 sampled rows).
    private let active: [Int32]
    private let inactiveInverse: Float

    /// Multiply-adds to build this from `rows` rows of `nonZerosPerRow` non-zero features each (for choosing it).
    public static func setupWork(featureCount: Int, rows: Int, nonZerosPerRow: Double) -> Int {
        let n = Double(featureCount + 1)
        return Int(n * n * n / 6 + Double(min(rows, defaultSampleRows)) * nonZerosPerRow * n / 2)
    }

    /// Nil when there are too many features, no rows, or A cannot be factored.
    public init?(data: LabeledRows, transform: FeatureTransform, outputCount: Int, outputProbability p: Double,
                 l2: Double, sampleRows: Int = defaultSampleRows, threads: Int = 1) {
        let d = data.matrix.columnCount
        guard d <= Self.maximumFeatureCount, !data.isEmpty else { return nil }
        let sampled = Self.evenlySpaced(data.rows, count: min(sampleRows, data.count))
        let features = SampledFeatures(matrix: data.matrix, rows: sampled, transform: transform)
        let active = features.active
        let n = active.count + 1
        let sums = features.secondMomentSums(threads: threads)
        // A = p(1 - p) / m * sums + diag(l2 on weights) + ridge.
        let scale = Float(p * (1 - p)) / Float(sampled.count)
        var trace: Float = 0
        for i in 0..<n {
            for j in 0...i { sums[i * n + j] *= scale }
            trace += sums[i * n + i]
        }
        let ridge = Self.relativeRidge * trace / Float(n) + Float.leastNormalMagnitude
        for i in 0..<n { sums[i * n + i] += ridge + (i < n - 1 ? Float(l2) : 0) }
        guard let factor = CholeskyFactor(takingLowerTriangleOf: sums, order: n) else { return nil }
        self.factor = factor
        self.active = active
        self.inactiveInverse = 1 / (ridge + Float(l2))
        self.featureCount = d
        self.outputCount = outputCount
    }

    /// `result` = A⁻¹ applied to each output's weights (class-major, `featureCount` each) and bias (after all the
    /// weights), as the linear objective lays its parameters out.
    public func apply(_ vector: UnsafePointer<Float>, into result: UnsafeMutablePointer<Float>) {
        let d = featureCount
        let k = outputCount
        let n = active.count + 1
        for i in 0..<(k * d) { result[i] = inactiveInverse * vector[i] }
        // One SIMD lane per output: the right-hand sides of a solve (once an iteration; ~42 KB for MNIST).
        withUnsafeTemporaryAllocation(of: SIMD16<Float>.self, capacity: n) { buffer in
            let columns = buffer.baseAddress!
            for first in stride(from: 0, to: k, by: 16) {
                let lanes = min(16, k - first)
                for (i, j) in active.enumerated() {
                    var column = SIMD16<Float>()
                    for lane in 0..<lanes { column[lane] = vector[(first + lane) * d + Int(j)] }
                    columns[i] = column
                }
                var bias = SIMD16<Float>()
                for lane in 0..<lanes { bias[lane] = vector[k * d + first + lane] }
                columns[n - 1] = bias
                factor.solve(columns)
                for (i, j) in active.enumerated() {
                    let column = columns[i]
                    for lane in 0..<lanes { result[(first + lane) * d + Int(j)] = column[lane] }
                }
                for lane in 0..<lanes { result[k * d + first + lane] = columns[n - 1][lane] }
            }
        }
    }

    /// `count` of `rows`, spread evenly over them (all of them when `count` is their number).
    static func evenlySpaced(_ rows: [Int32], count: Int) -> [Int32] {
        (0..<count).map { rows[$0 * rows.count / count] }
    }
}

/// The sampled rows' transformed features, non-zeros only, renumbered to the features non-zero in some sampled
/// row (`active`); each row ends with a 1 for the bias, numbered `active.count`.
struct SampledFeatures {
    let active: [Int32]
    /// Row r's entries are `rowStarts[r]..<rowStarts[r + 1]`, in increasing index.
    let rowStarts: [Int]
    let indices: [Int32]
    let values: [Float]

    init(matrix: FeatureMatrix, rows: [Int32], transform: FeatureTransform) {
        let d = matrix.columnCount
        var columns: [Int32] = []
        var rawValues: [Float] = []
        var rowStarts = [0]
        rowStarts.reserveCapacity(rows.count + 1)
        columns.reserveCapacity(rows.count * 16)
        rawValues.reserveCapacity(rows.count * 16)
        if let sparse = matrix.sparse, let factor = transform.sharedFactor {
            // Images: the non-zero pixels are indexed already, and the shared scale keeps zeros zero.
            sparse.rowStarts.withUnsafeBufferPointer { starts in
                sparse.columns.withUnsafeBufferPointer { sparseColumns in
                    sparse.values.withUnsafeBufferPointer { sparseValues in
                        for row in rows {
                            for e in Int(starts[Int(row)])..<Int(starts[Int(row) + 1]) {
                                columns.append(Int32(sparseColumns[e]))
                                rawValues.append(Float(sparseValues[e]) * factor)
                            }
                            rowStarts.append(columns.count)
                        }
                    }
                }
            }
        } else {
            var x = [Float](repeating: 0, count: d)
            x.withUnsafeMutableBufferPointer { x in
                for row in rows {
                    matrix.fill(rows: CollectionOfOne(row), transform: transform, into: x.baseAddress!)
                    for j in 0..<d where x[j] != 0 {
                        columns.append(Int32(j))
                        rawValues.append(x[j])
                    }
                    rowStarts.append(columns.count)
                }
            }
        }
        var number = [Int32](repeating: -1, count: d)
        for column in columns { number[Int(column)] = 0 }
        var active: [Int32] = []
        for j in 0..<d where number[j] == 0 {
            number[j] = Int32(active.count)
            active.append(Int32(j))
        }
        // Renumber, and append each row's bias entry.
        let bias = Int32(active.count)
        var indices: [Int32] = []
        var values: [Float] = []
        var starts = [0]
        indices.reserveCapacity(columns.count + rows.count)
        values.reserveCapacity(columns.count + rows.count)
        starts.reserveCapacity(rows.count + 1)
        for r in 0..<rows.count {
            for e in rowStarts[r]..<rowStarts[r + 1] {
                indices.append(number[Int(columns[e])])
                values.append(rawValues[e])
            }
            indices.append(bias)
            values.append(1)
            starts.append(indices.count)
        }
        self.active = active
        self.rowStarts = starts
        self.indices = indices
        self.values = values
    }

    var rowCount: Int { rowStarts.count - 1 }

    /// The lower triangle of the sum over the rows of x̃ x̃ᵀ: row-major `n x n`, n = active + 1 (allocated here; the
    /// caller owns it). Row i of the triangle gets x_i x[first...i] from each row with x_i != 0 (first: the row's
    /// first non-zero), so an image costs its non-zeros times the span before them. The triangle is summed in
    /// bands of rows small enough to stay in the core's L2 cache, one band per task: every band reads all the
    /// (small) sampled rows, and no two tasks write the same entry.
    func secondMomentSums(threads: Int, bandRows: Int? = nil) -> UnsafeMutablePointer<Float> {
        let n = active.count + 1
        let sums = UnsafeMutablePointer<Float>.allocate(capacity: n * n)
        sums.initialize(repeating: 0, count: n * n)
        // ~128 KB of the triangle per band (MNIST: 14 bands of 49 rows).
        let bandRows = bandRows ?? max(8, 32 * 1024 / n)
        let bands = (n + bandRows - 1) / bandRows
        let shared = UnsafeSendable(sums)
        let work: @Sendable (Int) -> Void = { band in
            let sums = shared.value
            let low = Int32(band * bandRows)
            let high = Int32(min(n, (band + 1) * bandRows))
            // Row x̃ in dense form, zero outside the entries scattered for the current row.
            let x = UnsafeMutablePointer<Float>.allocate(capacity: n)
            x.initialize(repeating: 0, count: n)
            defer { x.deallocate() }
            self.indices.withUnsafeBufferPointer { indices in
                self.values.withUnsafeBufferPointer { values in
                    for r in 0..<self.rowCount {
                        let entries = self.rowStarts[r]..<self.rowStarts[r + 1]
                        var end = entries.lowerBound
                        while end < entries.upperBound && indices[end] < high {
                            x[Int(indices[end])] = values[end]
                            end += 1
                        }
                        let first = Int(indices[entries.lowerBound])
                        for e in entries.lowerBound..<end where indices[e] >= low {
                            let i = Int(indices[e])
                            Kernels.axpy(values[e], x + first, sums + i * n + first, count: i + 1 - first)
                        }
                        for e in entries.lowerBound..<end { x[Int(indices[e])] = 0 }
                    }
                }
            }
        }
        if threads == 1 || bands == 1 {
            for band in 0..<bands { work(band) }
        } else {
            TrainingThreads.parallelFor(iterations: bands, work)
        }
        return sums
    }
}
