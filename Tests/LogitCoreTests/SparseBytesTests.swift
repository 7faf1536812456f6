import Testing
@testable import LogitCore

@Suite struct SparseBytesTests {
    @Test func keepsEachRowsNonZeroEntriesInOrder() throws {
        let bytes: [UInt8] = [
            0, 7, 0, 0,
            0, 0, 0, 0,
            255, 0, 0, 3,
        ]
        let sparse = try #require(SparseBytes(bytes: bytes, rowCount: 3, columnCount: 4))
        #expect(sparse.rowStarts == [0, 1, 1, 3])
        #expect(sparse.columns == [1, 0, 3])
        #expect(sparse.values == [7, 255, 3])
        #expect(FeatureMatrix(bytes: bytes, rowCount: 3, columnCount: 4).sparse != nil)
    }

    /// More than half non-zero: the dense kernel is faster, so no index is built.
    @Test func denseBytesGetNoIndex() {
        let bytes: [UInt8] = [1, 2, 0, 4, 5, 0]
        #expect(SparseBytes(bytes: bytes, rowCount: 2, columnCount: 3) == nil)
        #expect(FeatureMatrix(bytes: bytes, rowCount: 2, columnCount: 3).sparse == nil)
        #expect(FeatureMatrix(floats: [0, 0, 0, 1], rowCount: 2, columnCount: 2).sparse == nil)
    }
}
