/// The non-zero entries of a byte matrix, row by row (compressed sparse rows): MNIST digits are about 81% black,
/// so the linear kernels touch about 150 of each image's 784 pixels. Built once when an image data set is loaded.
public final class SparseBytes: Sendable {
    /// Row `r`'s entries are `rowStarts[r]..<rowStarts[r + 1]`.
    public let rowStarts: [Int32]
    public let columns: [UInt16]
    public let values: [UInt8]

    /// The sparse form of a row-major byte matrix, or nil when it would not pay: more than half the entries are
    /// non-zero (the dense kernel is faster), or a column index would not fit in 16 bits.
    public init?(bytes: [UInt8], rowCount: Int, columnCount: Int) {
        guard columnCount > 0, columnCount <= Int(UInt16.max) + 1 else { return nil }
        var nonZero = 0
        for byte in bytes where byte != 0 { nonZero += 1 }
        guard nonZero * 2 <= bytes.count, nonZero < Int(Int32.max) else { return nil }
        var rowStarts = [Int32](repeating: 0, count: rowCount + 1)
        var columns = [UInt16](repeating: 0, count: nonZero)
        var values = [UInt8](repeating: 0, count: nonZero)
        bytes.withUnsafeBufferPointer { source in
            columns.withUnsafeMutableBufferPointer { columnOut in
                values.withUnsafeMutableBufferPointer { valueOut in
                    var next = 0
                    for row in 0..<rowCount {
                        let start = row * columnCount
                        for column in 0..<columnCount where source[start + column] != 0 {
                            columnOut[next] = UInt16(truncatingIfNeeded: column)
                            valueOut[next] = source[start + column]
                            next += 1
                        }
                        rowStarts[row + 1] = Int32(next)
                    }
                }
            }
        }
        self.rowStarts = rowStarts
        self.columns = columns
        self.values = values
    }

    public var nonZeroCount: Int { values.count }
}
