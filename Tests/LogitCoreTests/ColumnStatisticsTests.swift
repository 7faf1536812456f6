import Testing
@testable import LogitCore

/// Per-column summaries of a job's training rows: the constant columns every job counts, and the mean and standard
/// deviation that `standardize` preprocessing uses.
@Suite struct ColumnStatisticsTests {
    /// 5 rows of 37 byte columns (four 8-byte words, which the constant-column count compares at once, and a
    /// 5-column tail), values from a fixed recipe.
    static let columnCount = 37
    static func bytes(row: Int, column: Int) -> UInt8 {
        switch column {
        case 0, 33: 0                      // constant zero, in the whole words and in the tail
        case 5, 36: 200                    // constant non-zero
        case 7: row == 3 ? 1 : 0           // differs in one row only
        case 34: row == 0 ? 9 : 8          // differs from the first row in every other row
        default: UInt8((row * 31 + column * 7) % 256)
        }
    }
    static let matrix = FeatureMatrix(
        bytes: (0..<5).flatMap { row in (0..<columnCount).map { bytes(row: row, column: $0) } },
        rowCount: 5, columnCount: columnCount)

    @Test func countsColumnsThatHoldOneValueInTheGivenRows() {
        #expect(Self.matrix.constantColumnCount(rows: [0, 1, 2, 3, 4]) == 4)
        // Without row 3, column 7 is constant too; the order of the rows does not matter.
        #expect(Self.matrix.constantColumnCount(rows: [4, 0, 2]) == 5)
        // One row: every column is constant.
        #expect(Self.matrix.constantColumnCount(rows: [2]) == Self.columnCount)
    }

    @Test func countsConstantFloatColumnsExactly() {
        let floats: [Float] = [
            0.1, 1, -2, 5,
            0.1, 1, -2, 6,
            0.1, 2, -2, 5,
        ]
        let matrix = FeatureMatrix(floats: floats, rowCount: 3, columnCount: 4)
        #expect(matrix.constantColumnCount(rows: [0, 1, 2]) == 2)
        #expect(matrix.constantColumnCount(rows: [0, 1]) == 3)
    }

    /// The byte path sums in integers: it must agree with the definition computed in Double.
    @Test func byteStatisticsMatchTheirDefinition() {
        let rows: [Int32] = [4, 1, 3, 0]
        let (mean, std) = Self.matrix.columnStatistics(rows: rows)
        for column in 0..<Self.columnCount {
            let values = rows.map { Double(Self.bytes(row: Int($0), column: column)) }
            let expectedMean = values.reduce(0, +) / Double(values.count)
            let variance = values.map { ($0 - expectedMean) * ($0 - expectedMean) }.reduce(0, +) / Double(values.count)
            #expect(abs(Double(mean[column]) - expectedMean) <= 1e-4 * max(1, expectedMean))
            #expect(abs(Double(std[column]) - variance.squareRoot()) <= 1e-3)
        }
    }
}
