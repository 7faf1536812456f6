/// A row-major matrix of raw feature values. Images stay `UInt8` in memory (47 MB for MNIST's 60k rows, not
/// 188 MB as Float) and are converted to Float one block of rows at a time.
public struct FeatureMatrix: Sendable {
    public enum Storage: Sendable {
        case bytes([UInt8])
        case floats([Float])
    }

    public let storage: Storage
    public let rowCount: Int
    public let columnCount: Int
    /// The non-zero entries, for byte matrices that are mostly zeros (images); the linear kernels use it.
    public let sparse: SparseBytes?

    public init(bytes: [UInt8], rowCount: Int, columnCount: Int) {
        precondition(bytes.count == rowCount * columnCount, "matrix size mismatch")
        storage = .bytes(bytes)
        self.rowCount = rowCount
        self.columnCount = columnCount
        sparse = SparseBytes(bytes: bytes, rowCount: rowCount, columnCount: columnCount)
    }

    public init(floats: [Float], rowCount: Int, columnCount: Int) {
        precondition(floats.count == rowCount * columnCount, "matrix size mismatch")
        storage = .floats(floats)
        self.rowCount = rowCount
        self.columnCount = columnCount
        sparse = nil
    }

    /// The same values without the sparse index, so the dense kernels run (for tests comparing the two).
    public init(dense matrix: FeatureMatrix) {
        storage = matrix.storage
        rowCount = matrix.rowCount
        columnCount = matrix.columnCount
        sparse = nil
    }

    /// Raw values of one row, as Float (for statistics and images; not for hot loops).
    public func row(_ index: Int) -> [Float] {
        let start = index * columnCount
        switch storage {
        case .bytes(let values): return values[start..<start + columnCount].map(Float.init)
        case .floats(let values): return Array(values[start..<start + columnCount])
        }
    }

    /// Transforms the given rows into `destination` (rows.count x columnCount floats, row-major).
    @inlinable
    public func fill<Rows: Collection<Int32>>(
        rows: Rows, transform: FeatureTransform, into destination: UnsafeMutablePointer<Float>
    ) {
        let columns = columnCount
        switch storage {
        case .bytes(let values):
            values.withUnsafeBufferPointer { all in
                var out = destination
                for row in rows {
                    let source = UnsafeBufferPointer(rebasing: all[Int(row) * columns..<Int(row) * columns + columns])
                    transform.apply(source, into: out)
                    out += columns
                }
            }
        case .floats(let values):
            values.withUnsafeBufferPointer { all in
                var out = destination
                for row in rows {
                    let source = UnsafeBufferPointer(rebasing: all[Int(row) * columns..<Int(row) * columns + columns])
                    transform.apply(source, into: out)
                    out += columns
                }
            }
        }
    }

    /// How many columns hold one value in all the given rows (MNIST's border pixels, say). Every job reports it,
    /// so bytes are compared eight at a time: a column is constant when no row differs from the first in any bit.
    public func constantColumnCount(rows: [Int32]) -> Int {
        guard let first = rows.first else { return columnCount }
        let columns = columnCount
        switch storage {
        case .bytes(let values):
            // differs[j] collects, bit by bit, how column j's bytes differ from the first row's.
            var differs = [UInt8](repeating: 0, count: columns)
            let wholeWords = columns / 8 * 8
            values.withUnsafeBytes { matrix in
                differs.withUnsafeMutableBytes { differs in
                    let reference = matrix.baseAddress! + Int(first) * columns
                    for row in rows.dropFirst() {
                        let values = matrix.baseAddress! + Int(row) * columns
                        for j in stride(from: 0, to: wholeWords, by: 8) {
                            let bits = values.loadUnaligned(fromByteOffset: j, as: UInt64.self)
                                ^ reference.loadUnaligned(fromByteOffset: j, as: UInt64.self)
                            differs.storeBytes(of: differs.loadUnaligned(fromByteOffset: j, as: UInt64.self) | bits,
                                               toByteOffset: j, as: UInt64.self)
                        }
                        for j in wholeWords..<columns {
                            differs[j] |= values.load(fromByteOffset: j, as: UInt8.self)
                                ^ reference.load(fromByteOffset: j, as: UInt8.self)
                        }
                    }
                }
            }
            return differs.count { $0 == 0 }
        case .floats(let values):
            var differs = [Bool](repeating: false, count: columns)
            let reference = Int(first) * columns
            for row in rows.dropFirst() {
                let start = Int(row) * columns
                for j in 0..<columns where values[start + j] != values[reference + j] { differs[j] = true }
            }
            return differs.count { !$0 }
        }
    }

    /// Per-column mean and (population) standard deviation over the given rows. Bytes are summed exactly in
    /// integers; a job with `standardize` preprocessing computes these over its training rows, so no row is copied
    /// out.
    public func columnStatistics(rows: [Int32]) -> (mean: [Float], std: [Float]) {
        var sum = [Double](repeating: 0, count: columnCount)
        var sumOfSquares = [Double](repeating: 0, count: columnCount)
        let columns = columnCount
        switch storage {
        case .bytes(let values):
            var integerSum = [Int](repeating: 0, count: columns)
            var integerSquares = [Int](repeating: 0, count: columns)
            values.withUnsafeBufferPointer { values in
                for row in rows {
                    let start = Int(row) * columns
                    for j in 0..<columns {
                        let value = Int(values[start + j])
                        integerSum[j] &+= value
                        integerSquares[j] &+= value * value
                    }
                }
            }
            sum = integerSum.map(Double.init)
            sumOfSquares = integerSquares.map(Double.init)
        case .floats(let values):
            for row in rows {
                let start = Int(row) * columns
                for j in 0..<columns {
                    let value = Double(values[start + j])
                    sum[j] += value
                    sumOfSquares[j] += value * value
                }
            }
        }
        let n = Double(max(rows.count, 1))
        let mean = sum.map { $0 / n }
        let std = (0..<columnCount).map { j in (max(sumOfSquares[j] / n - mean[j] * mean[j], 0)).squareRoot() }
        return (mean.map(Float.init), std.map(Float.init))
    }
}

/// The rows of a matrix that take part in one split, with their target output index
/// (class index for multiclass models, 0/1 for binary ones).
public struct LabeledRows: Sendable {
    public let matrix: FeatureMatrix
    public let rows: [Int32]
    public let targets: [Int32]

    public init(matrix: FeatureMatrix, rows: [Int32], targets: [Int32]) {
        precondition(rows.count == targets.count, "rows and targets differ in length")
        self.matrix = matrix
        self.rows = rows
        self.targets = targets
    }

    public var count: Int { rows.count }
    public var isEmpty: Bool { rows.isEmpty }
}
