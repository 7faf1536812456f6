/// The regularised least-squares classifier in closed form: minimise
/// `1/(2n) * sum ||W x + b - onehot(y)||^2 + lambda/2 * ||W||^2` (the bias unpenalised), i.e. solve
/// `(X^T X / n + lambda I') [W b]^T = X^T Y / n` with X augmented by a column of ones. The baseline that shows what
/// the cross-entropy of logistic regression buys.
public enum RidgeSolver {
    public struct SingularSystem: Error, CustomStringConvertible {
        public var description: String {
            "the ridge system is singular: use a positive lambda (constant features make X^T X singular)"
        }
    }

    public static func fit(data: LabeledRows, transform: FeatureTransform, classCount: Int, lambda: Double) throws
        -> LinearModel
    {
        let d = data.matrix.columnCount
        let m = d + 1
        let n = Double(max(data.count, 1))
        // Lower triangle of the augmented Gram matrix and the right-hand sides, in float64.
        var gram = [Double](repeating: 0, count: m * m)
        var rhs = [Double](repeating: 0, count: m * classCount)
        var input = [Float](repeating: 0, count: d)
        var nonzero = [Int](repeating: 0, count: m)
        var values = [Double](repeating: 0, count: m)
        for (row, target) in zip(data.rows, data.targets) {
            input.withUnsafeMutableBufferPointer {
                data.matrix.fill(rows: CollectionOfOne(row), transform: transform, into: $0.baseAddress!)
            }
            // Images are mostly zeros: only nonzero pairs contribute.
            var count = 0
            for j in 0..<d where input[j] != 0 {
                nonzero[count] = j
                values[count] = Double(input[j])
                count += 1
            }
            nonzero[count] = d
            values[count] = 1
            count += 1
            gram.withUnsafeMutableBufferPointer { g in
                for a in 0..<count {
                    let i = nonzero[a]
                    let value = values[a]
                    let rowStart = i * m
                    for b in 0...a { g[rowStart + nonzero[b]] += value * values[b] }
                }
            }
            let t = Int(target)
            for a in 0..<count { rhs[nonzero[a] * classCount + t] += values[a] }
        }
        for i in 0..<m {
            for j in 0...i { gram[i * m + j] /= n }
            // A tiny ridge on every diagonal entry keeps the factorisation defined for lambda = 0.
            gram[i * m + i] += (i < d ? lambda : 0) + 1e-9
        }
        for index in rhs.indices { rhs[index] /= n }
        try choleskySolve(&gram, m: m, rhs: &rhs, columns: classCount)

        var weights = [Float](repeating: 0, count: classCount * d)
        var biases = [Float](repeating: 0, count: classCount)
        for c in 0..<classCount {
            for j in 0..<d { weights[c * d + j] = Float(rhs[j * classCount + c]) }
            biases[c] = Float(rhs[d * classCount + c])
        }
        return LinearModel(kind: .ridge, featureCount: d, weights: weights, biases: biases)
    }

    /// Solves A X = B in place for symmetric positive definite A (lower triangle used), B `m x columns`.
    static func choleskySolve(_ a: inout [Double], m: Int, rhs b: inout [Double], columns: Int) throws {
        for j in 0..<m {
            var diagonal = a[j * m + j]
            for k in 0..<j { diagonal -= a[j * m + k] * a[j * m + k] }
            guard diagonal > 0 else { throw SingularSystem() }
            let l = diagonal.squareRoot()
            a[j * m + j] = l
            for i in (j + 1)..<max(m, j + 1) {
                var sum = a[i * m + j]
                for k in 0..<j { sum -= a[i * m + k] * a[j * m + k] }
                a[i * m + j] = sum / l
            }
        }
        for c in 0..<columns {
            // L y = b, then L^T x = y.
            for i in 0..<m {
                var sum = b[i * columns + c]
                for k in 0..<i { sum -= a[i * m + k] * b[k * columns + c] }
                b[i * columns + c] = sum / a[i * m + i]
            }
            for i in stride(from: m - 1, through: 0, by: -1) {
                var sum = b[i * columns + c]
                for k in (i + 1)..<max(m, i + 1) { sum -= a[k * m + i] * b[k * columns + c] }
                b[i * columns + c] = sum / a[i * m + i]
            }
        }
    }
}
