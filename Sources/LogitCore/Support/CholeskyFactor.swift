import RealModule

/// A symmetric positive-definite matrix A factored as L Lᵀ (Cholesky), to solve A x = b for up to 16 right-hand
/// sides at once, one per SIMD lane.
final class CholeskyFactor {
    let order: Int
    /// L, lower triangle, row-major `order x order` (the upper part is unused).
    private let lower: UnsafeMutablePointer<Float>
    private let inverseDiagonal: UnsafeMutablePointer<Float>

    /// Factors A, given by its lower triangle (row-major `order x order`). The factor takes the buffer: L is
    /// written over A, and the buffer is deallocated with the factor, or at once when A is not numerically
    /// positive definite (nil).
    init?(takingLowerTriangleOf matrix: UnsafeMutablePointer<Float>, order n: Int) {
        order = n
        lower = matrix
        inverseDiagonal = .allocate(capacity: n)
        // Left-looking (Cholesky-Crout): L[i][j] = (A[i][j] - L[i][..<j] . L[j][..<j]) / L[j][j]. Each entry reads
        // only rows i and j left of column j, so A can be overwritten in place; the dots run over contiguous rows,
        // four rows i at a time so that row j is read once per four.
        for j in 0..<n {
            let rowJ = matrix + j * n
            let pivot = rowJ[j] - Kernels.dot(rowJ, rowJ, count: j)
            // Every property is set: failing releases self, and deinit deallocates both buffers.
            guard pivot > 0, pivot.isFinite else { return nil }
            let diagonal = pivot.squareRoot()
            rowJ[j] = diagonal
            let inverse = 1 / diagonal
            inverseDiagonal[j] = inverse
            var i = j + 1
            while i + 4 <= n {
                let row = matrix + i * n
                let (d0, d1, d2, d3) = Kernels.dot4(row, row + n, row + 2 * n, row + 3 * n, rowJ, count: j)
                row[j] = (row[j] - d0) * inverse
                row[n + j] = (row[n + j] - d1) * inverse
                row[2 * n + j] = (row[2 * n + j] - d2) * inverse
                row[3 * n + j] = (row[3 * n + j] - d3) * inverse
                i += 4
            }
            while i < n {
                let row = matrix + i * n
                row[j] = (row[j] - Kernels.dot(row, rowJ, count: j)) * inverse
                i += 1
            }
        }
    }

    deinit {
        lower.deallocate()
        inverseDiagonal.deallocate()
    }

    /// Overwrites `columns` (`order` vectors: row i holds entry i of up to 16 right-hand sides b) with the
    /// solutions A⁻¹ b, lane by lane.
    func solve(_ columns: UnsafeMutablePointer<SIMD16<Float>>) {
        let n = order
        // L y = b, row by row; two accumulators halve the chain of dependent additions.
        for i in 0..<n {
            let row = lower + i * n
            var even = SIMD16<Float>(), odd = SIMD16<Float>()
            var j = 0
            while j + 2 <= i {
                even += row[j] * columns[j]
                odd += row[j + 1] * columns[j + 1]
                j += 2
            }
            if j < i { even += row[j] * columns[j] }
            columns[i] = (columns[i] - (even + odd)) * inverseDiagonal[i]
        }
        // Lᵀ x = y, from the last row up: each solved entry is subtracted from the ones above it (row i of L is
        // column i of Lᵀ), so the loop reads L by rows.
        for i in stride(from: n - 1, through: 0, by: -1) {
            let value = columns[i] * inverseDiagonal[i]
            columns[i] = value
            let row = lower + i * n
            for j in 0..<i { columns[j] -= row[j] * value }
        }
    }
}
