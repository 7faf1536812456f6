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
public final class FeatureCovarianceCurvature: InverseCurvature, @unchecked Sendable {
    public let featureCount: Int
    public let outputCount: Int
    private let factor: CholeskyFactor
    /// One SIMD lane per output: the right-hand sides of a solve.
    private let columns: UnsafeMutablePointer<SIMD16<Float>>

    /// Feature counts above this fall back to no estimate: A takes (features + 1)^2 floats and its factorisation
    /// grows with the cube.
    public static let maximumFeatureCount = 2047

    /// Rows whose second moments are summed: enough for a stable estimate, few enough to cost about two passes.
    public static let defaultSampleRows = 4096

    /// The ridge added to A's diagonal, relative to A's mean diagonal entry: it keeps the factorisation well
    /// conditioned in Float (constant pixels have no curvature at all) and was measured to cost no iterations.
    static let relativeRidge: Float = 0.1

    /// The features non-zero in some sampled row, in order: A's rows and columns (then the bias). The others have
    /// no second moments, so their part of A is diagonal, `inactiveInverse` (for MNIST, ~90 border pixels).
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
        let active = Self.activeFeatures(matrix: data.matrix, rows: sampled, transform: transform)
        let n = active.count + 1
        let sums = Self.secondMomentSums(matrix: data.matrix, rows: sampled, active: active, transform: transform,
                                         threads: threads)
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
        self.columns = .allocate(capacity: n)
    }

    deinit { columns.deallocate() }

    /// `result` = A⁻¹ applied to each output's weights (class-major, `featureCount` each) and bias (after all the
    /// weights), as the linear objective lays its parameters out.
    public func apply(_ vector: UnsafePointer<Float>, into result: UnsafeMutablePointer<Float>) {
        let d = featureCount
        let k = outputCount
        let n = active.count + 1
        for i in 0..<(k * d) { result[i] = inactiveInverse * vector[i] }
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

    /// `count` of `rows`, spread evenly over them (all of them when `count` is their number).
    static func evenlySpaced(_ rows: [Int32], count: Int) -> [Int32] {
        (0..<count).map { rows[$0 * rows.count / count] }
    }

    /// The features whose transformed value is non-zero in at least one of `rows`.
    static func activeFeatures(matrix: FeatureMatrix, rows: [Int32], transform: FeatureTransform) -> [Int32] {
        let d = matrix.columnCount
        var seen = [Bool](repeating: false, count: d)
        var x = [Float](repeating: 0, count: d)
        x.withUnsafeMutableBufferPointer { x in
            for row in rows {
                matrix.fill(rows: CollectionOfOne(row), transform: transform, into: x.baseAddress!)
                for j in 0..<d where x[j] != 0 { seen[j] = true }
            }
        }
        return (0..<Int32(d)).filter { seen[Int($0)] }
    }

    /// The lower triangle of the sum over `rows` of x̃ x̃ᵀ, x̃ the `active` features then a 1: row-major `n x n`,
    /// n = active + 1 (allocated here; the caller owns it). Each thread sums its share of the rows into a matrix
    /// of its own. Row i of the triangle gets x_i x[..<=i], from the row's first non-zero on: an image costs its
    /// non-zeros times the span of features before them.
    static func secondMomentSums(matrix: FeatureMatrix, rows: [Int32], active: [Int32], transform: FeatureTransform,
                                 threads: Int) -> UnsafeMutablePointer<Float> {
        let n = active.count + 1
        let d = matrix.columnCount
        let chunks = ParallelPass.chunkCount(rows: rows.count, threads: threads, minimumRowsPerThread: 256)
        let sums = (0..<chunks).map { _ in
            let buffer = UnsafeMutablePointer<Float>.allocate(capacity: n * n)
            buffer.initialize(repeating: 0, count: n * n)
            return buffer
        }
        let shared = UnsafeSendable(sums)
        let work: @Sendable (Int) -> Void = { chunk in
            let sum = shared.value[chunk]
            let raw = UnsafeMutablePointer<Float>.allocate(capacity: d)
            let x = UnsafeMutablePointer<Float>.allocate(capacity: n)
            defer {
                raw.deallocate()
                x.deallocate()
            }
            x[n - 1] = 1
            for row in rows[ParallelPass.range(chunk, of: chunks, rows: rows.count)] {
                matrix.fill(rows: CollectionOfOne(row), transform: transform, into: raw)
                var first = n - 1
                for (i, j) in active.enumerated() {
                    x[i] = raw[Int(j)]
                    if x[i] != 0 && first == n - 1 { first = i }
                }
                for i in first..<n where x[i] != 0 {
                    Kernels.axpy(x[i], x + first, sum + i * n + first, count: i + 1 - first)
                }
            }
        }
        if chunks == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: chunks, execute: work) }
        let total = sums[0]
        for chunk in sums.dropFirst() {
            for index in 0..<(n * n) { total[index] += chunk[index] }
            chunk.deallocate()
        }
        return total
    }
}

/// Hands non-Sendable pointers to the threads of one parallel section, each of which touches only its own.
private struct UnsafeSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
