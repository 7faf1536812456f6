/// The IDX format of the MNIST files: a big-endian magic number (0x0000 08 NN: unsigned bytes, NN dimensions),
/// one big-endian UInt32 size per dimension, then the values, row-major.
public struct IDXArray: Sendable {
    public let dimensions: [Int]
    public let values: [UInt8]

    public static let imagesMagic: UInt32 = 0x0000_0803
    public static let labelsMagic: UInt32 = 0x0000_0801

    /// Parses IDX bytes, checking the magic number, the dimension count and that the data length is exact.
    public init(bytes: [UInt8], path: String, expectedDimensions: Int) throws {
        func bigEndianUInt32(at offset: Int) -> UInt32 {
            bytes[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
        }
        guard bytes.count >= 4 else { throw DataFileError.corrupt(path: path, reason: "shorter than an IDX header") }
        let magic = bigEndianUInt32(at: 0)
        guard magic >> 8 == 0x08 else {
            throw DataFileError.corrupt(
                path: path, reason: "bad magic number 0x\(String(magic, radix: 16)) (expected unsigned-byte IDX data)")
        }
        let dimensionCount = Int(magic & 0xFF)
        guard dimensionCount == expectedDimensions else {
            throw DataFileError.corrupt(
                path: path, reason: "\(dimensionCount) dimensions where \(expectedDimensions) were expected")
        }
        let headerLength = 4 + 4 * dimensionCount
        guard bytes.count >= headerLength else {
            throw DataFileError.corrupt(path: path, reason: "the header is truncated")
        }
        let dimensions = (0..<dimensionCount).map { Int(bigEndianUInt32(at: 4 + 4 * $0)) }
        // Sizes whose product overflows announce more than any file holds (multiplied unchecked, they trapped).
        let product = dimensions.reduce(Optional(1)) { product, size in
            product.flatMap { $0.multipliedReportingOverflow(by: size) }.flatMap { $0.overflow ? nil : $0.partialValue }
        }
        guard let expectedLength = product else {
            throw DataFileError.corrupt(path: path, reason: "the header \(dimensions) announces more data than a file holds")
        }
        let actualLength = bytes.count - headerLength
        guard actualLength == expectedLength else {
            throw DataFileError.corrupt(
                path: path,
                reason: "\(actualLength) data bytes where the header \(dimensions) announces \(expectedLength)"
                    + (actualLength < expectedLength ? " (truncated)" : ""))
        }
        self.dimensions = dimensions
        self.values = Array(bytes[headerLength...])
    }

    /// The dimensions a file's header announces, read without inflating its values (checked when it is loaded).
    public static func dimensions(path: String, expectedDimensions: Int) throws -> [Int] {
        let header = try GzipReader.readPrefix(path: path, count: 4 + 4 * expectedDimensions)
        guard header.count == 4 + 4 * expectedDimensions else {
            throw DataFileError.corrupt(path: path, reason: "the header is truncated")
        }
        func bigEndianUInt32(at offset: Int) -> UInt32 {
            header[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
        }
        let magic = bigEndianUInt32(at: 0)
        guard magic >> 8 == 0x08, Int(magic & 0xFF) == expectedDimensions else {
            throw DataFileError.corrupt(
                path: path, reason: "bad magic number 0x\(String(magic, radix: 16)) (expected unsigned-byte IDX data of \(expectedDimensions) dimensions)")
        }
        return (0..<expectedDimensions).map { Int(bigEndianUInt32(at: 4 + 4 * $0)) }
    }

    public static func read(path: String, expectedDimensions: Int) throws -> IDXArray {
        try IDXArray(bytes: GzipReader.read(path: path), path: path, expectedDimensions: expectedDimensions)
    }
}
